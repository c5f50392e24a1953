// Printing and copying of the sandbox's objects: util.inspect shows the class and its fields (not
// `Interface {}`), toObject()/toJSON() agree with the getters, String() says what the object is.
import { inspect } from 'node:util';
import test from 'ava';
import { InterfaceStatistics, SandboxError } from '../../lib/sandbox/index.js';
import { NetlinkError } from '../../lib/netlink/index.js';
import { liveTest } from '../helpers/netns.js';
import { sandboxFixture, veth } from '../helpers/sandbox-fixtures.js';

liveTest('an Interface prints its fields; toObject, toJSON and the getters agree; String names it', async (t) => {
  const { src, sb } = await sandboxFixture(t);
  veth(src.name, 'pr0', 'pr1');
  const br = await sb.addInterface('prbr', 'br', { bridge: true });
  const i = await sb.addInterface('pr0', 'eth', {
    address: '10.60.0.2/24', mac: '02:00:00:00:60:02', routes: ['10.61.0.0/16'], master: 'prbr', linkLocalAddresses: ['169.254.60.2/16'],
  });
  const getters = {
    srcName: i.srcName, dstName: i.dstName, address: i.address, mac: i.mac, routes: i.routes, linkLocalAddresses: i.linkLocalAddresses,
    bridge: i.bridge, master: i.master,
  };
  t.deepEqual(i.toObject(), getters);
  t.deepEqual(i.toJSON(), getters);
  t.deepEqual(JSON.parse(JSON.stringify(i)), getters);
  t.false('addressIPv6' in i.toObject(), 'unset fields are left out, as JSON leaves them out');
  t.is(String(i), 'eth0 (from pr0)');
  t.is(`${br}`, 'br0 (from prbr)');
  const printed = inspect(i);
  t.not(printed, 'Interface {}');
  t.is(printed, "Interface {\n  srcName: 'pr0',\n  dstName: 'eth0',\n  address: '10.60.0.2/24',\n  mac: '02:00:00:00:60:02',\n"
    + "  routes: [ '10.61.0.0/16' ],\n  linkLocalAddresses: [ '169.254.60.2/16' ],\n  bridge: false,\n  master: 'prbr'\n}");
  t.regex(inspect([i], { depth: 0 }), /^\[ \[Interface\] \]$/);
  t.regex(inspect(i, { depth: 0 }), /routes: \[Array\]/);
  // A copy is a copy: changing it changes nothing.
  const copy = i.toObject();
  copy.routes.push('junk');
  copy.linkLocalAddresses.push('junk');
  t.deepEqual(i.routes, ['10.61.0.0/16']);
  t.deepEqual(i.linkLocalAddresses, ['169.254.60.2/16']);
});

liveTest('a Sandbox prints its key, liveness and state; toJSON agrees with info(); String names it', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  veth(src.name, 'ps0', 'ps1');
  const i = await sb.addInterface('ps0', 'eth', { address: '10.62.0.2/24' });
  await sb.setGateway('10.62.0.1');
  await sb.addStaticRoute({ destination: '10.63.0.0/16', nextHop: '10.62.0.9' });
  const info = sb.info();
  const expected = {
    key, alive: true, interfaces: [i.toObject()], gateway: '10.62.0.1', staticRoutes: info.staticRoutes,
  };
  t.deepEqual(sb.toObject(), expected);
  t.deepEqual(JSON.parse(JSON.stringify(sb)), expected);
  t.is(String(sb), `Sandbox ${key}`);
  const printed = inspect(sb, { depth: 4, breakLength: Infinity });
  t.true(printed.startsWith(`Sandbox { key: '${key}', alive: true, interfaces: [ Interface { srcName: 'ps0', dstName: 'eth0'`), printed);
  t.true(printed.includes("gateway: '10.62.0.1'"));
  t.true(printed.includes("staticRoutes: [ { destination: '10.63.0.0/16', nextHop: '10.62.0.9' } ]"));
  t.false(printed.includes('gatewayIPv6'));
  t.regex(inspect({ sb }, { depth: 0 }), /\{ sb: \[Sandbox\] \}/);
  await sb.destroy();
  t.is(String(sb), `Sandbox ${key} (destroyed)`);
  t.deepEqual(sb.toObject(), { ...expected, alive: false });
});

test('SandboxError serialises its message, step and code; InterfaceStatistics agree across toObject/toJSON/fields', (t) => {
  const e = new SandboxError('key', 'cannot use "/x" as a sandbox key', { cause: new NetlinkError(21, 'sandbox key'), rollbackErrors: [new Error('undo')] });
  t.deepEqual(JSON.parse(JSON.stringify(e)), {
    name: 'SandboxError', message: 'cannot use "/x" as a sandbox key: sandbox key: EISDIR (Is a directory) (rollback incomplete: undo)',
    step: 'key', code: 'EISDIR', errno: 21, rollbackErrors: ['undo'],
  });
  t.deepEqual(JSON.parse(JSON.stringify(new SandboxError('master', 'no master'))), {
    name: 'SandboxError', message: 'no master', step: 'master', code: 'ERR_SANDBOX', rollbackErrors: [],
  });
  const s = new InterfaceStatistics({ rxBytes: 1n, rxPackets: 2n, rxErrors: 3n, rxDropped: 4n, txBytes: 5n, txPackets: 6n, txErrors: 7n, txDropped: 8n });
  t.deepEqual(s.toObject(), { rxBytes: 1n, rxPackets: 2n, rxErrors: 3n, rxDropped: 4n, txBytes: 5n, txPackets: 6n, txErrors: 7n, txDropped: 8n });
  t.deepEqual(s.toJSON(), Object.fromEntries(Object.entries(s.toObject()).map(([k, v]) => [k, String(v)])));
  t.is(inspect(s, { breakLength: Infinity }), 'InterfaceStatistics { rxBytes: 1n, rxPackets: 2n, rxErrors: 3n, rxDropped: 4n, txBytes: 5n, txPackets: 6n, txErrors: 7n, txDropped: 8n }');
});
