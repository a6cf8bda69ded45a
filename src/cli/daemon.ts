/**
 * `-d` as the first implementation meant it: start the server without waiting for the console.
 * The command starts the server as a detached child process, waits until it listens, prints its
 * pid and URL and exits 0; if it cannot start, its own error is on stderr and this exits 2. The
 * server keeps writing its log where this command's stdout and stderr point (redirect them to a
 * file, as a start script does).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CliError } from './cli-error.js';
import { serverEnv, serverNodeFlags } from './server-runtime.js';

/** What the child tells its parent once it listens. */
export interface DaemonReport {
  listening: string;
  pid: number;
}

/** How long a server may take to start (recovering many tasks, waiting for an engine). */
const START_TIMEOUT_MS = 120_000;

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/** The hidden flag the parent gives the child, so only the child reports over IPC. */
export const DAEMON_CHILD_FLAG = '--daemon-child';

/** Starts `jobproxy serve …serveArgs` in the background; resolves once it listens. */
export function startDaemon(serveArgs: readonly string[]): Promise<DaemonReport> {
  // The server's runtime settings, whether this command was started through the binary or not.
  const args = [...serverNodeFlags(), MAIN, 'serve', ...serveArgs, DAEMON_CHILD_FLAG];
  const child = spawn(process.execPath, args, {
    env: serverEnv(process.env),
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(
        new CliError(
          `the server did not listen within ${START_TIMEOUT_MS / 1000} s; it was stopped`,
          2,
        ),
      );
    }, START_TIMEOUT_MS);
    child.once('message', (message: DaemonReport) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.disconnect();
      child.unref();
      resolve(message);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new CliError(`cannot start the server in the background: ${error.message}`, 2));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new CliError(`the server did not start: it ${how} (its reason is above)`, 2));
    });
  });
}

/** In the child: tells the waiting parent that the server listens, then lets it go. */
export function reportListening(url: string): void {
  if (!process.send) return;
  const report: DaemonReport = { listening: url, pid: process.pid };
  process.send(report, () => process.disconnect());
}
