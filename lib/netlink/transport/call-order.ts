/**
 * CallOrder: requests leave a connection in the order the calls were made, also when a call must
 * first look a link name up.
 *
 * A call naming a link by a name the handle does not know sends an RTM_GETLINK first, and its own
 * request only when the answer is in. Without more, a request made after it in the same tick (an
 * ifindex, a route via an address being added) would reach the kernel first:
 * `Promise.all([addresses.add({ link: 'eth0', … }), routes.add({ gateway: … })])` would add the
 * route before the address and fail with ENETUNREACH, where `ip -batch`, pyroute2 and
 * vishvananda/netlink, which send in order, succeed. So such a call takes a place in the order
 * ({@link CallOrder.reserve}) right after its lookups, and every request made after that place waits
 * ({@link CallOrder.hold}) until it is filled, or given up when the lookup fails. Lookups made after
 * a place wait too, so a lookup still sees the changes requested before it.
 *
 * Nothing waits while no place is reserved: the usual call (an ifindex, a name the handle
 * remembers) is written in the call, as before.
 */

/** A place in a connection's request order, taken by a call whose request cannot be written yet. */
export interface OrderSlot {
  /**
   * Runs `send` (which writes the call's request) when every request before this place has been
   * written: at once if that is so already. Later requests follow it. Only the first fill or
   * {@link cancel} counts.
   */
  fill(send: () => void): void;
  /** Gives the place up (the lookup failed: nothing is sent); later requests go on. */
  cancel(): void;
  /**
   * Runs `send` (which writes a request the call needs first: a read, a lookup) in this place, just
   * before the call's own request: at once when every request before the place has been written,
   * else when they have. Requests made after the place still wait for the call's own request.
   */
  before(send: () => void): void;
}

/** One waiting entry: a request to write, or a place not filled yet (`run` undefined, `ready` false). */
interface Entry {
  ready: boolean;
  run: (() => void) | undefined;
}

/** The waiting requests of one connection, in call order. */
export class CallOrder {
  private readonly entries: Entry[] = [];
  private draining = false;
  /** Whether {@link onBusy} was called and {@link onIdle} not since. */
  private busy = false;

  /**
   * @param onBusy called when a request starts to wait (nothing was waiting before)
   * @param onIdle called when the last waiting request has been written
   */
  constructor(private readonly onBusy: () => void, private readonly onIdle: () => void) {}

  /** Whether a request made now must wait its turn ({@link hold}) instead of being written. */
  get holding(): boolean {
    return !this.draining && this.entries.length > 0;
  }

  /** Queues a request made while {@link holding}: `run` writes it when its turn comes. */
  hold(run: () => void): void {
    this.push({ ready: true, run });
  }

  /** A place for a request that cannot be written yet; see {@link OrderSlot}. */
  reserve(): OrderSlot {
    const entry: Entry = { ready: false, run: undefined };
    this.push(entry);
    const settle = (run: (() => void) | undefined): void => {
      if (entry.ready) return;
      entry.ready = true;
      entry.run = run;
      if (this.entries[0] === entry && !this.draining) this.drain();
    };
    const before = (send: () => void): void => {
      const at = entry.ready ? -1 : this.entries.indexOf(entry);
      if (at > 0) {
        this.entries.splice(at, 0, { ready: true, run: send });
      } else if (this.draining || at === -1) {
        send();
      } else {
        // First in line: written now, ahead of what waits behind this place.
        this.draining = true;
        try {
          send();
        } finally {
          this.draining = false;
        }
      }
    };
    return { fill: (send) => settle(send), cancel: () => settle(undefined), before };
  }

  /**
   * Writes the waiting requests whose turn has come (the connection closed: each fails as a closed
   * handle's request does), up to the first place not filled yet. Called by the connection on close.
   */
  drain(): void {
    this.draining = true;
    try {
      while (this.entries.length > 0 && this.entries[0]!.ready) {
        const { run } = this.entries.shift()!;
        // A request's own failure is its promise's; the next ones still go.
        try {
          run?.();
        } catch { /* reported through the request's promise */ }
      }
    } finally {
      this.draining = false;
    }
    if (this.entries.length === 0 && this.busy) {
      this.busy = false;
      this.onIdle();
    }
  }

  private push(entry: Entry): void {
    if (!this.busy) {
      this.busy = true;
      this.onBusy();
    }
    this.entries.push(entry);
  }
}
