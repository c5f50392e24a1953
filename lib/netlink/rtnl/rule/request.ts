/**
 * The request encoder of `nl.rules`: a checked rule becomes the message body the kernel will
 * decode (fib_rule_hdr + FRA_* values, the same header and attributes as iproute2 6.1's requests;
 * iproute2 orders the attributes as its command line, this encoder in one fixed order, and the
 * kernel reads them by type), and codec.ts's encodeRuleBody writes it, the encoder that re-encodes
 * the reply goldens. Rules are few and never bulk: the schema's generic encoder is fast enough.
 */
import { formatIp, type Prefix } from '../../core/inet.js';
import type { NlWriter } from '../../core/writer.js';
import { encodeRuleBody, writeFibRuleHdr, type RuleAttributes, type RuleBody } from './codec.js';
import type { CheckedRule } from './options.js';

/** The text of a prefix's address, which the schema's `ip` codec writes back as its bytes. */
function address(p: Prefix | undefined): string | undefined {
  return p === undefined ? undefined : formatIp(p.bytes);
}

/** FRA_* values with the absent ones present as undefined, which the schema encoder skips. */
type RuleValues = { [K in keyof RuleAttributes]?: RuleAttributes[K] | undefined };

/** The RTM_NEWRULE / RTM_DELRULE body of a checked rule (absent values are left out on the wire). */
export function ruleRequestBody(c: CheckedRule): RuleBody {
  // One literal in wire order: the encoder writes the attributes in key order.
  const attributes: RuleValues = {
    src: address(c.src),
    dst: address(c.dst),
    iifname: c.iif,
    oifname: c.oif,
    fwmark: c.fwmark,
    fwmask: c.fwmask,
    flow: c.flow,
    tunId: c.tunId,
    table: c.table32,
    suppressPrefixlen: c.suppressPrefixlen,
    suppressIfgroup: c.suppressIfgroup,
    goto: c.goto,
    l3mdev: c.l3mdev === undefined ? undefined : c.l3mdev ? 1 : 0,
    uidRange: c.uidRange,
    ipProto: c.ipProto,
    sportRange: c.sport,
    dportRange: c.dport,
    dscp: c.dscp,
    flowlabel: c.flowlabel,
    flowlabelMask: c.flowlabelMask,
    protocol: c.protocol,
    priority: c.priority,
  };
  return { header: c.hdr, attributes: attributes as RuleAttributes };
}

/** Writes the body (after the nlmsghdr) of an RTM_NEWRULE or RTM_DELRULE. */
export function writeRule(w: NlWriter, c: CheckedRule): void {
  encodeRuleBody(w, ruleRequestBody(c));
}

/**
 * Writes an RTM_GETRULE dump request: strict checking (Linux 4.20+) refuses any header field but
 * the family, and any attribute.
 */
export function writeRuleDump(w: NlWriter, family: number): void {
  writeFibRuleHdr(w, { family, dstLen: 0, srcLen: 0, tos: 0, table: 0, action: 0, flags: 0 });
}
