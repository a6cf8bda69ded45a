/**
 * Runs one scheduler command (sbatch, squeue, qsub, …) as argv, never through a shell, with a
 * deadline, and collects what it printed. A command that cannot be started (binary missing) or that
 * timed out is reported as such, so callers can tell "the scheduler said no" from "no answer".
 */
import { spawn } from 'node:child_process';

/** What one command did. */
export interface CommandResult {
  /** Exit code; null when it was killed (timeout, abort) or never started. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the command could not be started at all (e.g. ENOENT: not installed). */
  spawnError?: string;
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Aborts the command (the backend closes). */
  signal?: AbortSignal;
  /** Working directory (default: the server's). */
  cwd?: string;
}

/** Output beyond this is dropped: a scheduler listing of thousands of jobs stays well below it. */
const MAX_OUTPUT = 16 * 1024 * 1024;

/** Runs `argv[0]` with the rest as arguments; never rejects. */
export function runCommand(argv: readonly string[], options: RunOptions): Promise<CommandResult> {
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const done = (result: CommandResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const child = spawn(file!, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const onAbort = (): void => void child.kill('SIGKILL');
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
    });
    child.on('error', (error) =>
      done({ code: null, stdout, stderr, timedOut, spawnError: `${file}: ${error.message}` }),
    );
    child.on('close', (code) => done({ code, stdout, stderr, timedOut }));
  });
}

/** One line for logs and task descriptions: the command's own error text, or why it gave none. */
export function describeFailure(argv: readonly string[], result: CommandResult): string {
  const command = argv[0]?.split('/').pop() ?? 'command';
  if (result.spawnError) return `could not run ${result.spawnError}`;
  if (result.timedOut) return `${command} gave no answer in time`;
  const text = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' / ');
  if (!text) return `${command} exited with code ${String(result.code)}`;
  // Most clients name themselves already ("sbatch: error: …").
  return text.startsWith(`${command}:`) ? text : `${command}: ${text}`;
}
