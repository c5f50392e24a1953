/**
 * `nl.rules: policy routing rules (RTM_*RULE). TODO(issue 3): being written.
 */
import type { Connection } from './connection.js';
import type { Links } from './links.js';

/** nl.rules: policy routing rules (RTM_*RULE) */
export class Rules {
  /** @internal */
  constructor(protected readonly conn: Connection, protected readonly links: Links) {}
}
