/** The `jobproxy` command: the server (`serve`) and a thin client of its HTTP API in one binary. */
import { Command } from 'commander';
import { registerDelete } from './delete.js';
import { registerFrameworks } from './frameworks.js';
import { registerLogs } from './logs.js';
import { registerServe } from './serve.js';
import { registerState } from './state.js';
import { registerSubmit } from './submit.js';
import { registerToken } from './token.js';
import { registerWait } from './wait.js';
import { VERSION } from '../version.js';

const LEGACY_HELP = `
The first implementation's command line works too:
  jobproxy -f local -p jobproxy.properties -debug -log INFO   start the server (same as serve)
  jobproxy -f DRMAA -p jobproxy.properties -d                 the same in the background (daemon)
  jobproxy -l                                                 list the frameworks
  jobproxy -h -f local                                        a framework's help and options
Its framework names work in any case: DRMAA (gridengine), Local, Kubernetes.

Client commands talk to --server or JOBPROXY_SERVER (default http://localhost:9999), with the
bearer token of --token or JOBPROXY_TOKEN if the server wants one.`;

/**
 * Builds the command tree for one (already routed) command line; it throws CommanderError instead
 * of exiting, so main decides the exit code.
 */
export function buildProgram(argv: readonly string[]): Command {
  const program = new Command('jobproxy')
    .description('Run tasks on any compute framework through one REST API and GA4GH TES 1.1.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', LEGACY_HELP);
  registerServe(program);
  registerFrameworks(program);
  registerSubmit(program, argv);
  registerState(program);
  registerDelete(program);
  registerWait(program);
  registerLogs(program);
  registerToken(program);
  return program;
}
