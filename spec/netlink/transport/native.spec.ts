// The C helper's socket calls against the real kernel (the rest of the suite runs them through the
// library): here socketPending, the link-name watcher's cheap "did anything arrive?".
import test from 'ava';
import { native } from '../../../lib/netlink/transport/native.js';

const EAGAIN = 11;
const RTM_GETLINK = 18;
const NLM_F_REQUEST = 1;

test('socketPending: -EAGAIN on an empty queue; a queued reply\'s length, left queued for socketRecv', (t) => {
  const b = native();
  const fd = b.socketOpen(0, null);
  t.teardown(() => b.socketClose(fd));
  t.is(b.socketPending(fd), -EAGAIN);
  // RTM_GETLINK of ifindex 1 (lo): read-only; the kernel queues its reply on this socket.
  const request = Buffer.alloc(32);
  request.writeUInt32LE(32, 0);
  request.writeUInt16LE(RTM_GETLINK, 4);
  request.writeUInt16LE(NLM_F_REQUEST, 6);
  request.writeUInt32LE(1, 8);
  request.writeInt32LE(1, 20);
  t.is(b.socketSend(fd, request, 0, request.length), 32);
  const length = b.socketPending(fd);
  t.true(length > 32, `the reply's length (${length})`);
  t.is(b.socketPending(fd), length, 'still queued');
  const buf = Buffer.alloc(64 * 1024);
  const meta = new Int32Array(4);
  t.is(b.socketRecv(fd, buf, 0, buf.length, meta), length, 'socketRecv takes the same datagram');
  t.is(buf.readUInt16LE(4), 16, 'RTM_NEWLINK');
  t.is(b.socketPending(fd), -EAGAIN, 'and the queue is empty again');
  t.throws(() => b.socketPending(-1), { instanceOf: TypeError });
});
