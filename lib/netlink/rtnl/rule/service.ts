/**
 * `nl.rules`: list, add and delete policy-routing rules (RTM_*RULE), as `ip rule` does.
 *
 * Every method validates its input completely before sending anything (options.ts). Interface
 * names in rules (`iif`, `oif`) are sent as names and not resolved: a rule may name a device that
 * does not exist (yet); the kernel marks it detached.
 */
import { ValidationError } from '../../core/errors.js';
import { isMessageView } from '../../core/message-view.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLMSG_HDRLEN } from '../../core/protocol.js';
import type { Connection } from '../../transport/connection.js';
import type { Links } from '../link/service.js';
import { RTM_DELRULE, RTM_GETRULE, RTM_NEWRULE } from '../rtm.js';
import { checkNow, dumpList, dumpStream, type PreparedDump } from '../stream.js';
import { checkRuleFilter, ruleMatches, type RuleFilter, type RuleListOptions } from './filter.js';
import { checkRule, type RuleOptions } from './options.js';
import { writeRule, writeRuleDump } from './request.js';
import { Rule, ruleView } from './view.js';

export type { RuleAction, RuleOptions, RuleRangeInput, RuleTable } from './options.js';
export type { RuleListOptions } from './filter.js';

/**
 * The dump request and decoder of checked list options (rules need no link resolution). The kernel
 * filters by family only; the decoder drops the rules the other selectors refuse.
 */
function prepareDump(f: RuleFilter): PreparedDump<Rule> {
  return {
    build: (w) => writeRuleDump(w, f.af),
    decode: (buf, off, len) => {
      const r = ruleView(buf, off, len);
      return ruleMatches(f, r) ? r : undefined;
    },
  };
}

/** The policy-routing rules of one netlink handle. Obtain it as `nl.rules`. */
export class Rules {
  /** @internal */
  constructor(protected readonly conn: Connection, protected readonly links: Links) {}

  /**
   * The rules (one RTM_GETRULE dump), in priority order per family; with selectors, only the
   * rules matching every one (`ip rule show SELECTOR`).
   */
  async list(options: RuleListOptions = {}): Promise<Rule[]> {
    return dumpList(this.conn, RTM_GETRULE, prepareDump(checkRuleFilter(options)));
  }

  /** Like {@link list}, one rule at a time, reading from the kernel as the loop advances. */
  stream(options: RuleListOptions = {}): AsyncIterableIterator<Rule> {
    const checked = checkNow(() => checkRuleFilter(options));
    return dumpStream(this.conn, RTM_GETRULE, () => prepareDump(checked()));
  }

  /**
   * Adds a rule (RTM_NEWRULE with NLM_F_CREATE | NLM_F_EXCL), with `ip rule add`'s defaults: action
   * `lookup` of table `main`. An identical rule is a NetlinkError EEXIST.
   */
  async add(options: RuleOptions): Promise<void> {
    const c = checkRule(options, true);
    return this.conn.ack(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, (w) => writeRule(w, c));
  }

  /**
   * Deletes the first rule matching every selector given (RTM_DELRULE); omitted fields match
   * anything. At least one selector is required. Or a {@link Rule} from `list`, sent back as it is
   * (as `ip rule flush` does). No match is a NetlinkError ENOENT.
   */
  async del(rule: RuleOptions | Rule): Promise<void> {
    if (rule instanceof Rule) {
      // Only a view this library made holds a message (Object.create(Rule.prototype) holds none).
      if (!isMessageView(rule)) throw new ValidationError('rule', rule, 'rule options, or a Rule view from a dump, are required');
      const body = rule.raw.subarray(NLMSG_HDRLEN);
      return this.conn.ack(RTM_DELRULE, 0, (w) => w.putBytes(body));
    }
    const c = checkRule(rule, false);
    return this.conn.ack(RTM_DELRULE, 0, (w) => writeRule(w, c));
  }
}

export { Rule };
