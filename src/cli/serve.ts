/**
 * `jobproxy serve` (also the first implementation's `jobproxy -f local -p file -d -debug -log
 * INFO`): loads the configuration and starts the server; SIGINT/SIGTERM close it cleanly. `-d`
 * starts it in the background (daemon.ts). The only command that touches the store — through the
 * server, never directly.
 */
import { Option, type Command } from 'commander';
import { ConfigError, loadConfig } from '../config/load-config.js';
import type { Config } from '../config/config.js';
import { CliError } from './cli-error.js';
import { DAEMON_CHILD_FLAG, reportListening, startDaemon } from './daemon.js';

interface ServeFlags {
  framework?: string;
  properties?: string;
  daemon?: boolean;
  daemonChild?: boolean;
  debug?: boolean;
  log?: string;
  serveruri?: string;
  state?: string;
  store?: string;
  workdir?: string;
  option?: string[];
}

/** Registers the `serve` subcommand. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the JobProxy server')
    .option(
      '-f, --framework <name>',
      'framework that runs the tasks (jobproxy -l lists them; default local)',
    )
    .option('-p, --properties <file>', 'config file, Java-properties style or JSON')
    .option(
      '-d, --daemon',
      'start in the background: print the pid and URL once it listens, then exit',
    )
    .option('--debug', 'log every request and response, bodies included (-debug works too)')
    .option(
      '--log <level>',
      'log level: trace, debug, info, warn, error, fatal, silent (-log works too)',
    )
    .option('-u, --serveruri <uri>', 'where to listen (default http://localhost:9999/)')
    .option(
      '--state <dir>',
      "the server's private directory: store, scripts, markers (default ./jobproxy-state)",
    )
    .option('--store <file>', 'SQLite file of the task store (default <state>/jobproxy.db)')
    .option('--workdir <dir>', 'directory for per-task files (default ./jobproxy-work)')
    .option(
      '-o, --option <key=value>',
      'set any config key, e.g. -o local.cores=2 (repeatable)',
      collect,
    )
    .addOption(new Option(DAEMON_CHILD_FLAG).hideHelp())
    .addHelpText(
      'after',
      '\nLayers: defaults < config file < JOBPROXY_* environment < these flags. See docs/config.md.\n' +
        "'jobproxy -h -f NAME' shows a framework's options.",
    )
    .action(async (flags: ServeFlags) => {
      if (flags.daemon && !flags.daemonChild) return startInBackground(flags);
      await serve(flags);
    });
}

/** -d: the server in a child process; this one reports it and exits once it listens. */
async function startInBackground(flags: ServeFlags): Promise<void> {
  // Checked here first, so a bad configuration is reported before anything starts.
  loadConfig({ file: flags.properties, env: process.env, flags: toConfigFlags(flags) });
  const { pid, listening } = await startDaemon(toServeArgs(flags));
  process.stdout.write(
    `jobproxy: started in the background, pid ${pid}, listening on ${listening}\n`,
  );
}

/** The flags again as `serve` arguments, for the child (without -d). */
export function toServeArgs(flags: ServeFlags): string[] {
  const args: string[] = [];
  const valued: [string, string | undefined][] = [
    ['--framework', flags.framework],
    ['--properties', flags.properties],
    ['--log', flags.log],
    ['--serveruri', flags.serveruri],
    ['--store', flags.store],
    ['--workdir', flags.workdir],
  ];
  for (const [name, value] of valued) if (value !== undefined) args.push(name, value);
  for (const pair of flags.option ?? []) args.push('--option', pair);
  if (flags.debug) args.push('--debug');
  return args;
}

/** Starts the server and resolves once it has been stopped by a signal. */
async function serve(flags: ServeFlags): Promise<void> {
  const config = loadConfig({
    file: flags.properties,
    env: process.env,
    flags: toConfigFlags(flags),
  });
  // Imported here so that the client commands never load the server and its dependencies.
  const { startServer } = await import('../server.js');
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config);
  } catch (error) {
    // A daemon's channel to its parent would keep a server that failed alive.
    if (process.connected) process.disconnect();
    throw explainStartFailure(error, config);
  }
  if (flags.daemonChild) reportListening(server.url);
  await new Promise<void>((resolve, reject) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        // A second Ctrl-C means the user does not want to wait for a clean close.
        process.stderr.write(`jobproxy: ${signal} again, exiting without waiting\n`);
        process.exit(1);
      }
      stopping = true;
      server.close().then(resolve, reject);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // Exit even if a library left a handle open: the server said it has closed.
  process.exit(0);
}

/** Commander's flags by config key; `-o key=value` pairs first so named flags win. */
export function toConfigFlags(flags: ServeFlags): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const pair of flags.option ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError([
        `flag -o ${JSON.stringify(pair)}: expected key=value, e.g. -o local.cores=2`,
      ]);
    }
    result[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  const named: Partial<Record<keyof Config, unknown>> = {
    framework: flags.framework,
    debug: flags.debug,
    log: flags.log,
    serveruri: flags.serveruri,
    state: flags.state,
    store: flags.store,
    workdir: flags.workdir,
  };
  for (const [key, value] of Object.entries(named)) {
    if (value !== undefined) result[key] = value;
  }
  return result;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The usual reasons a server cannot listen, with what to change. */
function explainStartFailure(error: unknown, config: Readonly<Config>): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const where = config.serveruri;
  switch (code) {
    case 'ESTATELOCKED':
      return new CliError((error as Error).message, 2);
    case 'EADDRINUSE':
      return new CliError(
        `cannot listen on ${where}: the address is in use. Is another JobProxy server running? ` +
          'Stop it, or choose another port with -u/--serveruri (serveruri in the config file).',
        2,
      );
    case 'EACCES':
      return new CliError(
        `not allowed to listen on ${where}: ports below 1024 need privileges. ` +
          'Choose another port with -u/--serveruri.',
        2,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new CliError(
        `cannot listen on ${where}: that host is not an address of this machine. ` +
          'Use localhost, 0.0.0.0 or one of its addresses in -u/--serveruri.',
        2,
      );
    default:
      return error;
  }
}
