/**
 * `jobproxy wait <id…>`: waits until every task has finished, then prints their states. Between
 * checks it long-polls the server (`state/{id}?wait=`), which answers when a state changes. Exits 0
 * when all are COMPLETE, 1 otherwise (or on --timeout), so scripts can chain on it.
 */
import type { Command } from 'commander';
import { CliError } from './cli-error.js';
import { addClientOptions, JobProxyClient, taskPath, type ClientFlags } from './http-client.js';
import {
  FINISHED_CODES,
  formatStates,
  type StatesAnswer,
  type TaskStateAnswer,
} from './task-state.js';
import { setTimeout as sleep } from 'node:timers/promises';

interface WaitFlags extends ClientFlags {
  timeout?: string;
}

/** How long one long-poll asks the server to hold its answer (under the client's 30 s timeout). */
const WAIT_MS = 25_000;
/** How often a server without `?wait=` (it answers at once) is asked. */
const POLL_MS = 500;

/** Registers the `wait` subcommand. */
export function registerWait(program: Command): void {
  const command = program
    .command('wait')
    .description('wait until tasks finish; exit 0 if all COMPLETE, else 1')
    .argument('<id...>', 'task ids')
    .option('--timeout <seconds>', 'give up after this long (exit 1)');
  addClientOptions(command)
    .addHelpText(
      'after',
      '\nExamples:\n  jobproxy wait 3f2a…\n  jobproxy wait --timeout 600 $(cat ids.txt)',
    )
    .action(async (ids: string[], flags: WaitFlags) => {
      const timeoutSec = parseTimeout(flags.timeout);
      const client = new JobProxyClient(flags);
      const finished = await waitForTasks(client, [...new Set(ids)], timeoutSec);
      process.stdout.write(formatStates(finished));
      if (!finished.every((s) => s.code === 'COMPLETE')) process.exitCode = 1;
    });
}

/** Polls until every id has a finished state; returns them in the order given. */
async function waitForTasks(
  client: JobProxyClient,
  ids: string[],
  timeoutSec: number | undefined,
): Promise<TaskStateAnswer[]> {
  const deadline = timeoutSec === undefined ? Infinity : Date.now() + timeoutSec * 1000;
  const done = new Map<string, TaskStateAnswer>();
  const progress = new Progress(ids.length);
  for (;;) {
    const states = await pollStates(
      client,
      ids.filter((id) => !done.has(id)),
    );
    for (const state of states) {
      if (FINISHED_CODES.has(state.code)) done.set(state.id, state);
    }
    progress.show(done.size);
    if (done.size === ids.length) break;
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) {
      progress.end();
      const waiting = ids.filter((id) => !done.has(id));
      throw new CliError(
        `timed out after ${timeoutSec} s: ${waiting.length} of ${ids.length} tasks not finished ` +
          `(${waiting.join(', ')})`,
        1,
      );
    }
    const next = states.find((s) => !FINISHED_CODES.has(s.code))!;
    await waitForChange(client, next, remainingMs);
  }
  progress.end();
  return ids.map((id) => done.get(id)!);
}

/**
 * Holds until the task of `state` changes state (the server's long-poll), at most WAIT_MS or
 * `remainingMs`. The other tasks are checked after it: all must end anyway.
 */
async function waitForChange(
  client: JobProxyClient,
  state: TaskStateAnswer,
  remainingMs: number,
): Promise<void> {
  const waitMs = Math.max(0, Math.floor(Math.min(WAIT_MS, remainingMs)));
  const started = Date.now();
  const now = await client.json<TaskStateAnswer>(
    'GET',
    `${taskPath('state', state.id)}?wait=${waitMs}ms`,
  );
  // A server from before `?wait=` answers at once with nothing new: ask again after a pause.
  if (now.code === state.code && Date.now() - started < waitMs) {
    await sleep(Math.min(POLL_MS, remainingMs));
  }
}

/**
 * The states of the given unfinished tasks: for several, one listing request, and a single-task
 * request only for ids the listing lacks (so an unknown id ends in the server's 404 message).
 */
async function pollStates(client: JobProxyClient, ids: string[]): Promise<TaskStateAnswer[]> {
  if (ids.length === 1)
    return [await client.json<TaskStateAnswer>('GET', taskPath('state', ids[0]))];
  const listing = await client.json<StatesAnswer>('GET', '/state');
  const byId = new Map((Array.isArray(listing.state) ? listing.state : []).map((s) => [s.id, s]));
  const states: TaskStateAnswer[] = [];
  for (const id of ids) {
    states.push(byId.get(id) ?? (await client.json<TaskStateAnswer>('GET', taskPath('state', id))));
  }
  return states;
}

function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new CliError(`--timeout expects seconds (a number ≥ 0), not "${value}"`, 2);
  }
  return seconds;
}

/** `3/10 done` on stderr for several tasks: rewritten in place on a terminal, a line per change. */
class Progress {
  private last = -1;
  constructor(private readonly total: number) {}

  show(done: number): void {
    if (this.total < 2 || done === this.last) return;
    this.last = done;
    const text = `${done}/${this.total} done`;
    process.stderr.write(process.stderr.isTTY ? `\r${text}` : `${text}\n`);
  }

  end(): void {
    if (this.total >= 2 && this.last >= 0 && process.stderr.isTTY) process.stderr.write('\n');
  }
}
