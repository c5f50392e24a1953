// EnumTable: names by value and values by name through Maps only, names for every u8 value.
import test from 'ava';
import { EnumTable } from '../../../lib/netlink/core/enum-table.js';
import { ValidationError } from '../../../lib/netlink/core/errors.js';

const table = new EnumTable('route protocol', [['kernel', 2], ['boot', 3], ['static', 4], ['big', 1000]], [['alias-of-boot', 3]], { max: 0xffff });

test('nameOr: the name when the value has one, else the number (u8 values and larger ones alike)', (t) => {
  t.is(table.nameOr(3), 'boot');
  t.is(table.nameOr(0), 0);
  t.is(table.nameOr(255), 255);
  t.is(table.nameOr(1000), 'big');
  t.is(table.nameOr(1001), 1001);
  t.is(table.nameOr(3.5), 3.5);
  t.is(table.nameOr(-1), -1);
  // Repeated reads give the same answers (the u8 names are computed once, on first use).
  for (let v = 0; v < 256; v++) t.is(table.nameOr(v), table.name(v) ?? v);
});

test('names and aliases map to values; Object.prototype member names are unknown', (t) => {
  t.is(table.value('alias-of-boot'), 3);
  t.is(table.name(3), 'boot');
  t.deepEqual(table.names(), ['kernel', 'boot', 'static', 'big', 'alias-of-boot']);
  for (const name of ['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty']) {
    t.is(table.value(name), undefined);
    t.false(table.has(name));
    t.throws(() => table.check('protocol', name), { instanceOf: ValidationError });
  }
  t.is(table.check('protocol', 'static'), 4);
  t.is(table.check('protocol', 0xffff), 0xffff);
  t.throws(() => table.check('protocol', 0x10000), { instanceOf: ValidationError });
  t.throws(() => table.check('protocol', 1.5), { instanceOf: ValidationError });
});

test('the maps are built on first use, whichever lookup comes first', (t) => {
  const fresh = () => new EnumTable('bond mode', [['balance-rr', 0], ['active-backup', 1], ['dup', 1]], [['rr', 0]]);
  t.is(fresh().name(1), 'active-backup');
  t.is(fresh().value('rr'), 0);
  t.true(fresh().has('dup'));
  t.deepEqual(fresh().names(), ['balance-rr', 'active-backup', 'dup', 'rr']);
  t.is(fresh().check('mode', 'dup'), 1);
  t.is(fresh().nameOr(1), 'active-backup');
  t.is(fresh().nameOr(7), 7);
});
