// The errno table: names, strerror texts and numbers, looked up by number and by name (built on first use).
import test from 'ava';
import { errnoName, errnoNumber, errnoText } from '../../../lib/netlink/core/errno.js';
import { ValidationError } from '../../../lib/netlink/core/errors.js';

test('names and texts by number; numbers Linux does not define', (t) => {
  t.is(errnoText(17), 'File exists');
  t.is(errnoName(17), 'EEXIST');
  t.is(errnoName(95), 'EOPNOTSUPP');
  t.is(errnoName(132), 'ERFKILL');
  for (const n of [0, 41, 58, 133, 4096, 2 ** 40, -5]) t.is(errnoName(n), `E${n}`);
  for (const n of [0, 41, 133, -5, 1.5, Number.NaN]) t.is(errnoText(n), `Unknown error ${n}`);
  for (const bad of [Number.NaN, Infinity, -Infinity, 1.5, 2 ** 53, '17' as unknown as number]) {
    t.throws(() => errnoName(bad), { instanceOf: ValidationError }, String(bad));
  }
});

test('numbers by name, aliases included; Object.prototype member names are unknown', (t) => {
  t.is(errnoNumber('ENODEV'), 19);
  t.is(errnoNumber('ENOTSUP'), 95);
  t.is(errnoNumber('EWOULDBLOCK'), 11);
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'E17', '']) t.is(errnoNumber(name), undefined, name);
  t.throws(() => errnoNumber(17 as unknown as string), { instanceOf: ValidationError });
  // Every name maps back to its number.
  for (let n = 1; n <= 133; n++) {
    const name = errnoName(n);
    if (name !== `E${n}`) t.is(errnoNumber(name), n, name);
  }
});
