/**
 * `nl.routes: routes (RTM_*ROUTE). TODO(issue 3): being written.
 */
import type { Connection } from './connection.js';
import type { Links } from './links.js';

/** nl.routes: routes (RTM_*ROUTE) */
export class Routes {
  /** @internal */
  constructor(protected readonly conn: Connection, protected readonly links: Links) {}
}
