/**
 * bench/queue-memory: what a queued and a stored task cost in memory.
 *   (a) a JobProxy server (a child process) with the local framework paused: its VmRSS with 0
 *       tasks queued, then with QUEUED tasks queued (submitted through the API at 32 clients), and
 *       the growth per queued task;
 *   (b) a server on the running local framework with STORED finished tasks in its store (written
 *       directly, bench/fill-store.ts) after one task ran, so its launcher is up: the idle VmRSS of
 *       the server and of its helper processes, and their sum.
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

interface StoredFigures {
  server: number;
  helpers: number;
  helperCount: number;
}

function idleWithStored(): Promise<StoredFigures> {
  return inDir(async (dir) => {
    fillStore(dir, STORED);
    const server = await startChildServer('running', dir);
    return stopping(server, async () => {
      const agent = keepAliveAgent(1);
      await postJson(agent, `${server.url}/v1/jobproxy/submit`, TASK);
      await waitAllComplete(agent, server.url, STORED + 1, 60_000, 200);
      agent.destroy();
      await sleep(SETTLE_MS);
      const helpers = descendantsOf(server.pid);
      return {
        server: readProcessMemory(server.pid).rss,
        helpers: helpers.reduce((sum, pid) => sum + readProcessMemory(pid).rss, 0),
        helperCount: helpers.length,
      };
    });
  });
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
      [`idle server VmRSS, ${STORED} stored, MiB`, mib(stored.server), ''],
      [`idle helpers VmRSS (${stored.helperCount} processes), MiB`, mib(stored.helpers), ''],
      ['server + helpers, MiB', mib(stored.server + stored.helpers), '<= 100'],
    ],
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
