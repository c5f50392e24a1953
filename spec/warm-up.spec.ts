// lib/warm-up.ts: the build's code-cache step runs every sample request through validation and
// encoding; a sample the library would refuse must fail here, not leave the cache silently cold.
import test from 'ava';
import { warmEncoders } from '../lib/warm-up.js';
import * as library from '../lib/library.js';
import * as rtnetlink from '../lib/netlink/index.js';

test('every sample request validates and encodes', (t) => {
  t.notThrows(() => warmEncoders());
});

test('the warm-up is the library module\'s, for the code-cache step, and neither entry point exports it', (t) => {
  t.is(library.__warmEncoders, warmEncoders);
  t.false('__warmEncoders' in rtnetlink);
  t.false('__warmEncoders' in library.sandbox);
});
