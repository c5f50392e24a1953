/**
 * Which rtnetlink notification becomes which event object: the message type decides the family
 * (RTM_NEWLINK → a Link …) and whether it reports a creation/change or a deletion.
 */
import { linkView, type Link } from './link.js';
import * as R from './rtm.js';

/** The family of an event's object. */
export type EventKind = 'link';

/** The object an event carries (a lazily decoded view of the notification). */
export type EventObject = Link;

/** How to turn one notification into an event. */
export interface EventDecoder {
  kind: EventKind;
  del: boolean;
  decode(buf: Buffer, off: number, len: number): EventObject;
}

/** Decoders by nlmsg_type. */
export const EVENT_DECODERS: Readonly<Record<number, EventDecoder>> = {
  [R.RTM_NEWLINK]: { kind: 'link', del: false, decode: linkView },
  [R.RTM_DELLINK]: { kind: 'link', del: true, decode: linkView },
};
