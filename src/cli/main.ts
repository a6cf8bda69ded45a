#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=4
/**
 * The `jobproxy` binary: routes the first implementation's command line, runs, reports errors.
 * The first line starts it with the server's runtime settings (server-runtime.ts; a test keeps
 * them in step): they cost a client command nothing and keep `jobproxy serve` small.
 */
import { reportError } from './cli-error.js';
import { buildProgram } from './program.js';
import { routeArgv } from './route-argv.js';

try {
  const argv = routeArgv(process.argv.slice(2));
  await buildProgram(argv).parseAsync(argv, { from: 'user' });
} catch (error) {
  process.exitCode = reportError(error);
}
