// dist/bundle/facade.cjs: what importing `rtnetlink` or `rtnetlink/sandbox` loads — every name
// both entry points export, without the library's code. This file is its runtime; scripts/bundle.mjs
// appends the exports themselves, as code generated from tsc's output (one class, function or constant
// per export). The library (library.cjs: ~400 KB of code, deserialised from its V8 code cache and run:
// ~13 ms of a fresh process here) is loaded on first use, once per process, by load.cjs; importing the
// package costs ~3 ms instead (issue 9: import ≤ 25 ms), and a process that uses it pays the rest at its
// first call (`RtNetlink.open()`, `Sandbox.create()`, `new ValidationError(…)`, `errnoName(1)`, …).
//
// What each kind of export is before and after that first use:
// - An exported class is one of its own here (F), with the library's name, `length` and built-in parent
//   (Error, TypeError): the one users see, the same object for both entry points. When the library
//   loads, its counterpart R in the library is joined to it: R.prototype's prototype becomes F.prototype (whose
//   prototype becomes what R.prototype's was), so every object the library makes is `instanceof F`;
//   `constructor` on R.prototype is F; F gets R's static methods and inherits what R inherits;
//   F.prototype gets copies of R.prototype's members, so that a user's subclass of F has them
//   (not where R's methods use `super.`: a copy there would be found by `super` lookups from
//   R's own methods). `new F(…)` loads the library and makes an R; a subclass's `super(…)` makes an
//   object of that subclass with R's fields. Before the first use, F's static methods are accessors
//   that load the library and answer with the real method (`RtNetlink.open(…)`, `typeof
//   Sandbox.create`); F.prototype has R's members from the first use on.
// - A function forwards its calls to the library's (`this` and arguments as given).
// - A constant (a string, a number, a JSON-shaped array or object) is a copy made at build time, frozen
//   where the library's is; the build fails when the copy would differ.
// - `netns` is a frozen object of such exports.
// Every lookup here reads own properties only, and every descriptor has no prototype: a polluted
// Object.prototype changes nothing.
'use strict';

const { apply, construct, defineProperty, getOwnPropertyDescriptor, ownKeys } = Reflect;
const { getPrototypeOf, hasOwn, setPrototypeOf } = Object;

/** The library's exports (library.cjs's `module.exports`) once loaded and joined; undefined before. */
let library;

/**
 * The facade's classes (F), by index; the generated code fills it, with, at the same index, where
 * each is in the library's exports (`CLASS_PATHS`) and whether F.prototype gets copies of R.prototype's
 * members (`CLASS_COPIES`: see the header), and the names of its lazy static accessors.
 */
const facadeClasses = [];
/** The library's classes (R), by the same index, once joined. */
const libraryClasses = [];

/** The library, loaded (by load.cjs) and joined to this file's exports on first call. */
function loadLibrary() {
  if (library === undefined) {
    const loaded = require('./load.cjs').library;
    // Every class is found and checked before any is joined: a library that does not match this file
    // fails with nothing changed (a second call would otherwise join some classes twice).
    const found = CLASS_PATHS.map((path) => member(loaded, path));
    found.forEach((R, i) => {
      if (typeof R !== 'function') throw new Error(`rtnetlink: the library's ${CLASS_PATHS[i].join('.')} is not a class`);
    });
    for (let i = 0; i < facadeClasses.length; i++) joinClass(facadeClasses[i], found[i], CLASS_COPIES[i], CLASS_STATICS[i], i);
    library = loaded;
  }
  return library;
}

/** The own property at `path` (keys from the library's exports), or an error naming it. */
function member(root, path) {
  let value = root;
  for (const key of path) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || !hasOwn(value, key)) {
      throw new Error(`rtnetlink: the library has no ${path.join('.')} (dist/bundle/facade.cjs does not match library.cjs: rebuild the package)`);
    }
    value = value[key];
  }
  return value;
}

/** A descriptor without a prototype (see the header). */
function bare(descriptor) {
  return setPrototypeOf(descriptor, null);
}

/** Copies `source`'s own properties onto `target`, except `skip`. */
function copyMembers(target, source, skip) {
  for (const key of ownKeys(source)) {
    if (!skip.includes(key)) defineProperty(target, key, bare(getOwnPropertyDescriptor(source, key)));
  }
}

/** Joins R (the library's) to F (the facade's, at `index`): see the header; `statics`: F's lazy accessors. */
function joinClass(F, R, copy, statics, index) {
  for (const key of statics) delete F[key];
  setPrototypeOf(F, getPrototypeOf(R));
  setPrototypeOf(F.prototype, getPrototypeOf(R.prototype));
  copyMembers(F, R, ['length', 'name', 'prototype']);
  if (copy) copyMembers(F.prototype, R.prototype, ['constructor']);
  setPrototypeOf(R.prototype, F.prototype);
  defineProperty(R.prototype, 'constructor', bare({ value: F, writable: true, enumerable: false, configurable: true }));
  libraryClasses[index] = R;
}

/**
 * What `new F(...args)` does for F = facadeClasses[index] (`newTarget`: F, or a user's subclass of F):
 * an object of the library's R, or of the subclass with R's fields.
 */
function constructClass(index, newTarget, args) {
  if (library === undefined) loadLibrary();
  const R = libraryClasses[index];
  return newTarget === facadeClasses[index] ? new R(...args) : construct(R, args, newTarget);
}

/** A lazy static accessor's get: loads the library, then answers with facadeClasses[index][key]. */
function staticMember(index, key) {
  if (library === undefined) loadLibrary();
  return facadeClasses[index][key];
}

/** A lazy static accessor's set: loads the library, then sets facadeClasses[index][key]. */
function setStaticMember(index, key, value) {
  if (library === undefined) loadLibrary();
  facadeClasses[index][key] = value;
}

/** The library's functions, by index in `FUNCTION_PATHS`, once called. */
const libraryFunctions = [];

/** What a call of the facade's function `index` does: the library's, with `self` and `args`. */
function callFunction(index, self, args) {
  let real = libraryFunctions[index];
  if (real === undefined) real = libraryFunctions[index] = member(loadLibrary(), FUNCTION_PATHS[index]);
  return apply(real, self, args);
}

/** Loads the library now (what the first use of any export does); for tests and tools. */
exports.loadLibrary = loadLibrary;

// What follows is generated by scripts/bundle.mjs: CLASS_PATHS, CLASS_COPIES, CLASS_STATICS,
// FUNCTION_PATHS, the classes, functions and constants, and the exports.
