#!/usr/bin/env node
/** The `jobproxy` binary: routes the first implementation's command line, runs, reports errors. */
import { reportError } from './cli-error.js';
import { buildProgram } from './program.js';
import { routeArgv } from './route-argv.js';

try {
  const argv = routeArgv(process.argv.slice(2));
  await buildProgram(argv).parseAsync(argv, { from: 'user' });
} catch (error) {
  process.exitCode = reportError(error);
}
