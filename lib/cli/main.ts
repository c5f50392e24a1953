#!/usr/bin/env node
/**
 * The `rtnl` executable (package.json `bin`): runs the command line and exits with its status.
 * See run.ts for the grammar and `rtnl help` for usage.
 */
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2));
