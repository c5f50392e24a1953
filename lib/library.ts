/**
 * The code of both entry points in one module, for scripts/bundle.mjs: it bundles this file into
 * dist/bundle/library.cjs, the module both `rtnetlink` and `rtnetlink/sandbox` load (one copy of
 * every class). Not an entry point itself: package.json `exports` name only the two below.
 *
 * @internal
 */
export * from './netlink/index.js';
export * as sandbox from './sandbox/index.js';
/** For the build's code-cache step only (lib/warm-up.ts); not exported by either entry point. */
export { warmEncoders as __warmEncoders } from './warm-up.js';
/** For dist/bundle/load.cjs only: the native helper it loaded at import; not exported by either entry point. */
export { adoptNativeBinding as __adoptNativeBinding } from './netlink/transport/native.js';
