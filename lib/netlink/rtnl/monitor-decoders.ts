/**
 * Which rtnetlink notification becomes which event object: the message type decides the family
 * (RTM_NEWLINK → a Link …) and whether it reports a creation/change or a deletion.
 */
import { addressView, type Address } from './address/view.js';
import { linkView, type Link } from './link/view.js';
import { neighborView, type Neighbor } from './neighbor/view.js';
import { routeView, type Route } from './route/view.js';
import { ruleView, type Rule } from './rule/view.js';
import * as R from './rtm.js';

/** The object type of each event family (lazily decoded views of the notifications). */
export interface EventObjects {
  link: Link;
  address: Address;
  route: Route;
  neighbor: Neighbor;
  rule: Rule;
}

/** The family of an event's object. */
export type EventKind = keyof EventObjects;

/** The object an event carries. */
export type EventObject = EventObjects[EventKind];

/** How to turn one notification into an event. */
export interface EventDecoder {
  kind: EventKind;
  del: boolean;
  decode(buf: Buffer, off: number, len: number): EventObject;
}

const DECODERS = new Map<number, EventDecoder>([
  [R.RTM_NEWLINK, { kind: 'link', del: false, decode: linkView }],
  [R.RTM_DELLINK, { kind: 'link', del: true, decode: linkView }],
  [R.RTM_NEWADDR, { kind: 'address', del: false, decode: addressView }],
  [R.RTM_DELADDR, { kind: 'address', del: true, decode: addressView }],
  [R.RTM_NEWROUTE, { kind: 'route', del: false, decode: routeView }],
  [R.RTM_DELROUTE, { kind: 'route', del: true, decode: routeView }],
  [R.RTM_NEWNEIGH, { kind: 'neighbor', del: false, decode: neighborView }],
  [R.RTM_DELNEIGH, { kind: 'neighbor', del: true, decode: neighborView }],
  [R.RTM_NEWRULE, { kind: 'rule', del: false, decode: ruleView }],
  [R.RTM_DELRULE, { kind: 'rule', del: true, decode: ruleView }],
]);

/** The decoder of notifications of type `nlmsgType`, or undefined for types that are not events. */
export function eventDecoder(nlmsgType: number): EventDecoder | undefined {
  return DECODERS.get(nlmsgType);
}
