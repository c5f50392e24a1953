// The C helper's socket calls against the real kernel (the rest of the suite runs them through the
// library): here socketPending, the link-name watcher's cheap "did anything arrive?", and
// socketRecvFrom, the receive of every socket that does not listen to all namespaces.
import test from 'ava';
import { native, setNativeBinding, type NativeBinding } from '../../../lib/netlink/transport/native.js';
import { NetlinkSocket } from '../../../lib/netlink/transport/socket.js';

const EAGAIN = 11;
const RTM_GETLINK = 18;
const NLM_F_REQUEST = 1;

/** RTM_GETLINK of ifindex 1 (lo): read-only; the kernel queues its reply on the socket. */
function getLo(seq: number): Buffer {
  const request = Buffer.alloc(32);
  request.writeUInt32LE(32, 0);
  request.writeUInt16LE(RTM_GETLINK, 4);
  request.writeUInt16LE(NLM_F_REQUEST, 6);
  request.writeUInt32LE(seq, 8);
  request.writeInt32LE(1, 20);
  return request;
}

test('socketPending: -EAGAIN on an empty queue; a queued reply\'s length, left queued for socketRecv', (t) => {
  const b = native();
  const fd = b.socketOpen(0, null);
  t.teardown(() => b.socketClose(fd));
  t.is(b.socketPending(fd), -EAGAIN);
  const request = getLo(1);
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

test('socketRecvFrom: the datagram and its sender as socketRecv gives them, no flags or nsid; MSG_TRUNC\'s real length; -EAGAIN when empty', (t) => {
  const b = native();
  const fd = b.socketOpen(0, null);
  t.teardown(() => b.socketClose(fd));
  const buf = Buffer.alloc(64 * 1024);
  const meta = new Int32Array([7, 7, 7, 7]);
  t.is(b.socketRecvFrom(fd, buf, 0, buf.length, meta), -EAGAIN);
  const viaRecvmsg = Buffer.alloc(64 * 1024);
  const metaRecvmsg = new Int32Array(4);
  t.is(b.socketSend(fd, getLo(1), 0, 32), 32);
  const length = b.socketRecv(fd, viaRecvmsg, 0, viaRecvmsg.length, metaRecvmsg);
  t.is(b.socketSend(fd, getLo(2), 0, 32), 32);
  t.is(b.socketRecvFrom(fd, buf, 0, buf.length, meta), length, 'the same reply, the same length');
  t.is(buf.readUInt32LE(8), 2, 'the second request\'s reply');
  t.deepEqual(buf.subarray(16, length), viaRecvmsg.subarray(16, length), 'the same link message');
  t.deepEqual([...meta], [0, 0, 0, -1], 'from the kernel (port 0), no group, no flags, no nsid');
  t.deepEqual([...metaRecvmsg].slice(0, 2), [0, 0]);
  // A buffer too small: the datagram is lost and its real length returned, as socketRecv does.
  t.is(b.socketSend(fd, getLo(3), 0, 32), 32);
  t.is(b.socketRecvFrom(fd, buf, 0, 16, meta), length);
  t.is(b.socketRecvFrom(fd, buf, 0, buf.length, meta), -EAGAIN, 'the truncated datagram is gone');
  t.throws(() => b.socketRecvFrom(fd, buf, 0, buf.length, new Uint32Array(4) as unknown as Int32Array), { instanceOf: TypeError, message: /meta/ });
  t.throws(() => b.socketRecvFrom(fd, buf, 0, buf.length + 1, meta), { instanceOf: TypeError, message: /length/ });
});

test('a NetlinkSocket reads with recvfrom, and with recvmsg (for the nsid control message) once it listens to all namespaces', (t) => {
  const real = native();
  const calls: string[] = [];
  const counting: NativeBinding = {
    ...real,
    socketRecv: (...a) => { calls.push('recvmsg'); return real.socketRecv(...a); },
    socketRecvFrom: (...a) => { calls.push('recvfrom'); return real.socketRecvFrom(...a); },
  };
  setNativeBinding(counting);
  t.teardown(() => setNativeBinding(undefined));
  const sock = NetlinkSocket.open(0);
  t.teardown(() => sock.close());
  sock.send(getLo(1), 0, 32);
  t.true(sock.recv() > 32);
  t.is(sock.meta[0], 0);
  sock.listenAllNsid(true);
  sock.send(getLo(2), 0, 32);
  t.true(sock.recv() > 32);
  sock.listenAllNsid(false);
  sock.send(getLo(3), 0, 32);
  t.true(sock.discard() > 32);
  t.deepEqual(calls, ['recvfrom', 'recvmsg', 'recvfrom']);
});
