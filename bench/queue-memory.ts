/**
 * bench/queue-memory: what a queued and a stored task cost in memory.
 *   (a) a JobProxy server (a child process) with the local framework paused: its VmRSS with 0
 *       tasks queued, then with QUEUED tasks queued (submitted through the API at 32 clients), and
 *       the growth per queued task;
 *   (b) a server on the running local framework with STORED finished tasks in its store (written
 *       directly, bench/fill-store.ts) after one task ran: the idle VmRSS of the server and of its
 *       helper processes, and their sum — first a few seconds after the task, the launcher still
 *       up, then once the launcher has left on its own (its idle exit, 30 s by default).
 * JobProxy runs as `jobproxy serve` starts it (src/cli/server-runtime.ts);
 * JOBPROXY_BENCH_RUNTIME=plain runs it as a plain `node` instead, to compare.
 * Figures are printed, never asserted.
 *
 *   npm run build && node dist/bench/queue-memory.js [QUEUED [STORED]]   (100000, 10000)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  descendantsOf,
  readProcessMemory,
  startChildServer,
  type ChildServer,
} from './bench-child.js';
import { keepAliveAgent, postJson, runPool, waitAllComplete } from './bench-http.js';
import { fixed, mib, printTable } from './bench-table.js';
import { fillStore } from './fill-store.js';

const QUEUED = Number(process.argv[2] ?? 100_000);
const STORED = Number(process.argv[3] ?? 10_000);
const CLIENTS = 32;
/** Time for the server to settle (timers, GC) before its memory is read, ms. */
const SETTLE_MS = 3000;
const TASK = { user: 'bench', cmd: ['/bin/true'] };

async function inDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-bench-'));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function stopping<T>(server: ChildServer, use: () => Promise<T>): Promise<T> {
  try {
    return await use();
  } finally {
    await server.stop();
  }
}

interface QueueFigures {
  idle: number;
  queued: number;
  perTask: number;
  submitSeconds: number;
}

function queueOnPausedServer(): Promise<QueueFigures> {
  return inDir(async (dir) => {
    const server = await startChildServer('jobproxy', dir);
    return stopping(server, async () => {
      await sleep(SETTLE_MS);
      const idle = readProcessMemory(server.pid).rss;
      const agent = keepAliveAgent(CLIENTS);
      const url = `${server.url}/v1/jobproxy/submit`;
      const { elapsedMs } = await runPool(QUEUED, CLIENTS, () => postJson(agent, url, TASK));
      agent.destroy();
      await sleep(SETTLE_MS);
      const queued = readProcessMemory(server.pid).rss;
      return { idle, queued, perTask: (queued - idle) / QUEUED, submitSeconds: elapsedMs / 1000 };
    });
  });
}

/** The server and its helpers at one moment. */
interface IdleFigures {
  server: number;
  helpers: number;
  helperCount: number;
}

interface StoredFigures {
  /** SETTLE_MS after the last task ended: the launcher is still up. */
  soon: IdleFigures;
  /** Once the launcher left on its own (JOBPROXY_LAUNCHER_IDLE_MS, 30 s by default). */
  later: IdleFigures;
  /** When the helpers had all gone, seconds after the last task ended. */
  helpersGoneSeconds: number;
}

/** How long to wait for the launcher to leave, at most, ms. */
const HELPERS_GONE_MS = 120_000;

function idleFigures(pid: number): IdleFigures {
  const helpers = descendantsOf(pid);
  return {
    server: readProcessMemory(pid).rss,
    helpers: helpers.reduce((sum, helper) => sum + readProcessMemory(helper).rss, 0),
    helperCount: helpers.length,
  };
}

/** Resolves with the seconds since `since` once `pid` has no descendants left. */
async function helpersGone(pid: number, since: number): Promise<number> {
  while (descendantsOf(pid).length > 0) {
    if (Date.now() - since > HELPERS_GONE_MS)
      throw new Error(`the server's helpers were still up ${HELPERS_GONE_MS / 1000} s after`);
    await sleep(500);
  }
  return (Date.now() - since) / 1000;
}

function idleWithStored(): Promise<StoredFigures> {
  return inDir(async (dir) => {
    fillStore(dir, STORED);
    const server = await startChildServer('running', dir);
    return stopping(server, async () => {
      const agent = keepAliveAgent(1);
      await postJson(agent, `${server.url}/v1/jobproxy/submit`, TASK);
      await waitAllComplete(agent, server.url, STORED + 1, 60_000, 200);
      const ended = Date.now();
      agent.destroy();
      await sleep(SETTLE_MS);
      const soon = idleFigures(server.pid);
      const helpersGoneSeconds = await helpersGone(server.pid, ended);
      await sleep(SETTLE_MS);
      return { soon, later: idleFigures(server.pid), helpersGoneSeconds };
    });
  });
}

function idleRows(when: string, idle: IdleFigures): string[][] {
  return [
    [`idle server VmRSS, ${STORED} stored, ${when}, MiB`, mib(idle.server), ''],
    [`  helpers VmRSS (${idle.helperCount} processes), MiB`, mib(idle.helpers), ''],
    ['  server + helpers, MiB', mib(idle.server + idle.helpers), '<= 100'],
  ];
}

async function main(): Promise<void> {
  for (const [name, value] of Object.entries({ QUEUED, STORED })) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${name} must be a positive integer`);
  }
  console.log(`queue-memory: ${QUEUED} queued (paused), ${STORED} stored, node ${process.version}`);
  const queue = await queueOnPausedServer();
  const stored = await idleWithStored();
  printTable(
    `queue-memory (${QUEUED} queued on a paused local framework; ${STORED} stored)`,
    ['measure', 'value', 'aim'],
    [
      ['server VmRSS, 0 queued, MiB', mib(queue.idle), ''],
      [`server VmRSS, ${QUEUED} queued, MiB`, mib(queue.queued), ''],
      ['growth per queued task, bytes', fixed(queue.perTask, 0), '<= 200'],
      [`submitting ${QUEUED} (32 clients), s`, fixed(queue.submitSeconds, 1), ''],
      ...idleRows(`${SETTLE_MS / 1000} s after the last task`, stored.soon),
      ...idleRows(
        `${fixed(stored.helpersGoneSeconds + SETTLE_MS / 1000, 0)} s after, its helpers gone`,
        stored.later,
      ),
    ],
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
