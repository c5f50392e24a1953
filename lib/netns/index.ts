/** The public `netns` namespace of the package: create, list and remove namespace files. */
export { create, list, remove, NETNS_RUN_DIR, type CreateOptions } from './netns.js';
