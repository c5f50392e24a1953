/**
 * `links.addMany`: many links created at once, as the other families' bulk calls add many objects.
 *
 * Every item is checked as `links.add` checks its options, before anything is sent or opened; each
 * distinct link name (master, lower device, kind data) is resolved once (an item naming a link an
 * earlier item creates is sent once that one was, in a second wave); the namespaces the items
 * name (`netns`, `peer.netns`) are opened once each, for the duration of the call. The requests
 * leave packed into as few datagrams as the buffers allow, without NLM_F_ECHO (nothing is read
 * back: the kernel skips building each new link's full message), and the result has one entry per
 * item, in order.
 *
 * What the kernel ignores at creation (an alias, a veth peer's `up` and alias) follows in a second
 * batch, by name; an item whose follow-up the kernel refuses is deleted again and fails with that
 * error. tun / tap devices are made one by one with `links.add` (TUNSETIFF, not netlink).
 */
import { ValidationError } from '../../core/errors.js';
import type { NlWriter } from '../../core/writer.js';
import type { BulkResult, Connection } from '../../transport/connection.js';
import { openNamespace } from '../../../netns/netns.js';
import { checkBatch, sendBatch, type BulkCodec, type CheckedBatch } from '../bulk.js';
import type { LinkIndexer } from '../resolve.js';
import { RTM_DELLINK, RTM_NEWLINK } from '../rtm.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../core/protocol.js';
import type { CheckedKindData } from './kinds/options.js';
import { checkAdd, type CheckedAdd } from './options.js';
import { addRequest, delRequest, followUpRequest, writeLinkRequest, type LinkRequest } from './request.js';

/** An item of `addMany`, checked, with the namespace fds its request carries once they are open. */
interface AddItem {
  c: CheckedAdd;
  netNsFd: number | undefined;
  peerNetNsFd: number | undefined;
}

/** The link names inside an item's kind data, after its master and lower device. */
function dataRefs(data: CheckedKindData | undefined): readonly string[] {
  return data === undefined ? [] : data.refs;
}

const CODEC: BulkCodec<AddItem> = {
  check(field, value) {
    let c: CheckedAdd;
    try {
      c = checkAdd(value);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      throw e.field === 'options' ? new ValidationError(field, e.value, e.reason) : e.under(field);
    }
    if (c.tun !== undefined) {
      throw new ValidationError(`${field}.kind`, c.kind, 'a tun device is made with links.add (TUNSETIFF, one device at a time)');
    }
    // Without NLM_F_ECHO nothing tells the name the kernel gave an unnamed peer.
    if (c.peer !== undefined && c.peer.name === undefined && (c.peer.settings.up === true || c.peer.settings.alias !== undefined)) {
      throw new ValidationError(`${field}.peer.name`, undefined, 'a peer brought up or given an alias by addMany needs a name');
    }
    return { c, netNsFd: undefined, peerNetNsFd: undefined };
  },
  refs(item) {
    return [item.c.settings.master ?? undefined, item.c.link, ...dataRefs(item.c.data)];
  },
  write(w: NlWriter, item: AddItem, ifindexes: ReadonlyArray<number | undefined>): void {
    const { c } = item;
    const data = c.data === undefined ? undefined : c.data.payload(ifindexes.slice(2));
    writeLinkRequest(w, addRequest(c, { master: ifindexes[0], link: ifindexes[1], netNsFd: item.netNsFd, peerNetNsFd: item.peerNetNsFd, data }));
  },
};

/** The follow-up requests of an item (alias; a veth peer's up and alias), by name: none for most. */
function followUps(c: CheckedAdd): LinkRequest[] {
  const out: LinkRequest[] = [];
  const own = followUpRequest(c.name, c.settings.alias, undefined);
  if (own !== undefined) out.push(own);
  if (c.peer?.name !== undefined) {
    const ofPeer = followUpRequest(c.peer.name, c.peer.settings.alias, c.peer.settings.up);
    if (ofPeer !== undefined) out.push(ofPeer);
  }
  return out;
}

/** Opens each distinct namespace the items name, once; closes them all on failure. */
function openNamespaces(items: AddItem[]): Array<{ close(): void }> {
  const opened = new Map<string | number, { fd: number; close(): void }>();
  const open = (field: string, ref: string | number): number => {
    let ns = opened.get(ref);
    if (ns === undefined) {
      ns = openNamespace(field, ref);
      opened.set(ref, ns);
    }
    return ns.fd;
  };
  try {
    for (const item of items) {
      const { settings, peer } = item.c;
      if (settings.netns !== undefined) item.netNsFd = open('netns', settings.netns);
      if (peer?.settings.netns !== undefined) item.peerNetNsFd = open('peer.netns', peer.settings.netns);
    }
  } catch (e) {
    for (const ns of opened.values()) ns.close();
    throw e;
  }
  return [...opened.values()];
}

/** Items sent together: a batch of some of the call's items, and where each sits in the call. */
interface Wave {
  batch: CheckedBatch<AddItem>;
  at: number[];
}

/**
 * The items in the order they can be sent: an item naming a link an earlier item creates (a port
 * of a bridge made in the same call, a macvlan on a new veth) waits for that item's wave, since
 * names are resolved to ifindexes before a batch leaves. Most calls are one wave.
 */
function waves(batch: CheckedBatch<AddItem>): Wave[] {
  const { checked, refs } = batch;
  const maker = new Map<string, number>();
  const waveOf = new Array<number>(checked.length);
  let last = 0;
  for (let i = 0; i < checked.length; i++) {
    let w = 0;
    for (const r of refs[i]!) {
      const j = typeof r === 'string' ? maker.get(r) : undefined;
      if (j !== undefined) w = Math.max(w, waveOf[j]! + 1);
    }
    waveOf[i] = w;
    last = Math.max(last, w);
    // A veth item makes its peer too.
    for (const name of [checked[i]!.c.name, checked[i]!.c.peer?.name]) if (name !== undefined && !maker.has(name)) maker.set(name, i);
  }
  if (last === 0) return [{ batch, at: checked.map((_, i) => i) }];
  const out: Wave[] = [];
  for (let w = 0; w <= last; w++) {
    const at: number[] = [];
    for (let i = 0; i < checked.length; i++) if (waveOf[i] === w) at.push(i);
    let names: Set<string> | undefined;
    for (const i of at) for (const r of refs[i]!) if (typeof r === 'string') (names ??= new Set()).add(r);
    out.push({ batch: { checked: at.map((i) => checked[i]!), refs: at.map((i) => refs[i]!), names }, at });
  }
  return out;
}

/**
 * Creates the links `items` describe (each as `links.add` takes it); resolves to one BulkResult per
 * item, in order. A bad item rejects the whole call with its ValidationError (`items[3].name`)
 * before anything is sent.
 */
export async function addMany(conn: Connection, index: LinkIndexer, items: unknown): Promise<BulkResult[]> {
  const batch = checkBatch('items', items, CODEC);
  const namespaces = openNamespaces(batch.checked);
  const results = new Array<BulkResult>(batch.checked.length);
  try {
    try {
      for (const wave of waves(batch)) {
        const sent = await sendBatch(conn, index, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, wave.batch, CODEC);
        for (let k = 0; k < sent.length; k++) results[wave.at[k]!] = sent[k]!;
      }
    } finally {
      for (const ns of namespaces) ns.close();
    }
    await followUp(conn, batch.checked, results);
  } catch (error) {
    // The call fails as a whole (a later wave's name lookup, a closed handle): the caller learns
    // nothing of what was made, so what earlier waves made is deleted again.
    const made: number[] = [];
    for (let i = 0; i < results.length; i++) if (results[i]?.status === 'fulfilled') made.push(i);
    await deleteItems(conn, batch.checked, made).catch(() => undefined);
    throw error;
  }
  return results;
}

/** Deletes the links of items `at`, by name (deleting one end of a veth deletes both). */
function deleteItems(conn: Connection, checked: readonly AddItem[], at: readonly number[]): Promise<BulkResult[]> {
  return conn.bulk(RTM_DELLINK, 0, at.length, (w, k) => writeLinkRequest(w, delRequest(checked[at[k]!]!.c.name)));
}

/**
 * The second batch: what the kernel ignored at creation, for the links that were created. An item
 * whose follow-up fails is deleted again and takes that error as its result.
 */
async function followUp(conn: Connection, checked: readonly AddItem[], results: BulkResult[]): Promise<void> {
  const requests: LinkRequest[] = [];
  const owners: number[] = [];
  for (let i = 0; i < results.length; i++) {
    if (results[i]!.status !== 'fulfilled') continue;
    for (const r of followUps(checked[i]!.c)) {
      requests.push(r);
      owners.push(i);
    }
  }
  if (requests.length === 0) return;
  const done = await conn.bulk(RTM_NEWLINK, 0, requests.length, (w, k) => writeLinkRequest(w, requests[k]!));
  const failed = new Set<number>();
  for (let k = 0; k < done.length; k++) {
    const r = done[k]!;
    const i = owners[k]!;
    if (r.status === 'rejected' && !failed.has(i)) {
      failed.add(i);
      results[i] = r;
    }
  }
  // A delete that fails leaves the item's error as it is.
  if (failed.size > 0) await deleteItems(conn, checked, [...failed]);
}
