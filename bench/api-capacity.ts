/**
 * bench/api-capacity: what the API costs.
 *   (a) submits/s and p50/p99 latency of POST /v1/jobproxy/submit at 32 concurrent keep-alive
 *       clients, the local framework paused so tasks are accepted and held (nothing runs);
 *   (b) the same load on a bare fastify server doing one SQLite INSERT per request, and the ratio
 *       (the measured submits alternate between the two servers in slices);
 *   (c) GET /v1/jobproxy/state (JSON, median of 3) and the server's VmRSS/VmHWM with 100,000 tasks
 *       stored, written into the store directly before the server starts (bench/fill-store.ts).
 * Both servers run as processes of their own (bench/serve-for-bench.ts); the load comes from this
 * one. Figures are printed, never asserted.
 *
 *   npm run build && node dist/bench/api-capacity.js [SUBMITS [STORED]]   (20000, 100000)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readProcessMemory, startChildServer, type ChildServer } from './bench-child.js';
import type { Agent } from 'node:http';
import {
  httpCall,
  keepAliveAgent,
  median,
  percentile,
  postJson,
  runPool,
  type PoolResult,
} from './bench-http.js';
import { fixed, mib, printTable } from './bench-table.js';
import { fillStore } from './fill-store.js';

const SUBMITS = Number(process.argv[2] ?? 20_000);
const STORED = Number(process.argv[3] ?? 100_000);
const CLIENTS = 32;
/**
 * Submits before the measured ones, so both servers are warm (JIT, SQLite pages). 1000 was not
 * enough: the slowest 1% of the measured submits then all came in their first 350 ms, while V8
 * was still optimising (p99 17.2 ms after 1000, 11.5 after 3000, 9.7 after 5000, p50 5.1–5.2
 * throughout; bench/README.md, 2026-12-03).
 */
const WARMUP = 5000;
const LISTINGS = 3;
/** The measured submits go in this many slices, alternating between the two servers. */
const SLICES = 4;
const TASK = { user: 'bench', cmd: ['/bin/true'] };

interface LoadFigures {
  perSecond: number;
  p50: number;
  p99: number;
}

/** One server under submit load: its agent and what was measured so far. */
interface Target {
  url: string;
  agent: Agent;
  elapsedMs: number;
  latenciesMs: number[];
}

function submitSlice(target: Target, count: number): Promise<PoolResult> {
  return runPool(count, CLIENTS, () => postJson(target.agent, target.url, TASK));
}

/**
 * WARMUP submits to each server, then SUBMITS to each in SLICES alternating slices (JobProxy,
 * bare, JobProxy, …), so that load from elsewhere on a shared machine hits both alike.
 */
async function submitLoads(servers: ChildServer[]): Promise<LoadFigures[]> {
  const targets: Target[] = servers.map((server) => ({
    url: `${server.url}/v1/jobproxy/submit`,
    agent: keepAliveAgent(CLIENTS),
    elapsedMs: 0,
    latenciesMs: [],
  }));
  try {
    for (const target of targets) await submitSlice(target, WARMUP);
    for (let slice = 0; slice < SLICES; slice++) {
      const count = Math.floor(SUBMITS / SLICES) + (slice < SUBMITS % SLICES ? 1 : 0);
      for (const target of targets) {
        const { elapsedMs, latenciesMs } = await submitSlice(target, count);
        target.elapsedMs += elapsedMs;
        target.latenciesMs.push(...latenciesMs);
      }
    }
    return targets.map((t) => ({
      perSecond: (SUBMITS * 1000) / t.elapsedMs,
      p50: percentile(t.latenciesMs, 50),
      p99: percentile(t.latenciesMs, 99),
    }));
  } finally {
    for (const target of targets) target.agent.destroy();
  }
}

/** Runs `use` against a fresh child server in a fresh directory, then stops and removes both. */
async function withChild<T>(
  mode: 'jobproxy' | 'bare',
  use: (server: ChildServer, dir: string) => Promise<T>,
  prepare?: (dir: string) => void,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-bench-'));
  try {
    prepare?.(dir);
    const server = await startChildServer(mode, dir);
    try {
      return await use(server, dir);
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ListingFigures {
  fillMs: number;
  medianMs: number;
  bytes: number;
  rssBefore: number;
  rssAfter: number;
  hwm: number;
}

async function listingWithStored(): Promise<ListingFigures> {
  let fillMs = 0;
  return withChild(
    'jobproxy',
    async (server) => {
      const rssBefore = readProcessMemory(server.pid).rss;
      const agent = keepAliveAgent(1);
      const times: number[] = [];
      let bytes = 0;
      try {
        for (let i = 0; i < LISTINGS; i++) {
          const start = performance.now();
          const answer = await httpCall(agent, `${server.url}/v1/jobproxy/state`, {
            headers: { accept: 'application/json' },
          });
          times.push(performance.now() - start);
          if (answer.status !== 200) throw new Error(`GET /state answered ${answer.status}`);
          const count = (JSON.parse(answer.body) as { state: unknown[] }).state.length;
          if (count !== STORED) throw new Error(`GET /state listed ${count} tasks, not ${STORED}`);
          bytes = Buffer.byteLength(answer.body);
        }
      } finally {
        agent.destroy();
      }
      const { rss, hwm } = readProcessMemory(server.pid);
      return { fillMs, medianMs: median(times), bytes, rssBefore, rssAfter: rss, hwm };
    },
    (dir) => {
      const start = performance.now();
      fillStore(dir, STORED);
      fillMs = performance.now() - start;
    },
  );
}

async function main(): Promise<void> {
  for (const [name, value] of Object.entries({ SUBMITS, STORED })) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${name} must be a positive integer`);
  }
  console.log(
    `api-capacity: ${SUBMITS} submits at ${CLIENTS} keep-alive clients (after ${WARMUP} warm-up), ` +
      `in ${SLICES} slices alternating between the servers, listing of ${STORED} stored tasks, ` +
      `node ${process.version}`,
  );
  let jobproxyRss = 0;
  const [jobproxy, bare] = await withChild('jobproxy', (jobproxyServer) =>
    withChild('bare', async (bareServer) => {
      const figures = await submitLoads([jobproxyServer, bareServer]);
      jobproxyRss = readProcessMemory(jobproxyServer.pid).rss;
      return figures as [LoadFigures, LoadFigures];
    }),
  );
  console.log(
    `  submits/s: JobProxy ${fixed(jobproxy.perSecond, 0)}, bare fastify + INSERT ${fixed(bare.perSecond, 0)}`,
  );
  const listing = await listingWithStored();
  console.log(`  GET /state with ${STORED} tasks: ${fixed(listing.medianMs / 1000, 2)} s`);

  const ratio = jobproxy.perSecond / bare.perSecond;
  const ms = (value: number): string => fixed(value, 1);
  printTable(
    `api-capacity (${CLIENTS} clients, ${SUBMITS} submits; ${STORED} tasks stored)`,
    ['measure', 'value', 'aim'],
    [
      ['JobProxy submit (local, paused): submits/s', fixed(jobproxy.perSecond, 0), ''],
      ['JobProxy submit latency p50, ms', ms(jobproxy.p50), ''],
      ['JobProxy submit latency p99, ms', ms(jobproxy.p99), ''],
      [`JobProxy server VmRSS after ${SUBMITS + WARMUP} submits, MiB`, mib(jobproxyRss), ''],
      ['bare fastify + 1 INSERT: submits/s', fixed(bare.perSecond, 0), ''],
      ['bare fastify + 1 INSERT latency p50, ms', ms(bare.p50), ''],
      ['bare fastify + 1 INSERT latency p99, ms', ms(bare.p99), ''],
      ['ratio JobProxy / bare (submits/s)', fixed(ratio, 2), '>= 0.5'],
      [
        `fill store with ${STORED} tasks (store module, not API), s`,
        fixed(listing.fillMs / 1000, 1),
        '',
      ],
      [
        `GET /v1/jobproxy/state, ${STORED} tasks, JSON, median of ${LISTINGS}, s`,
        fixed(listing.medianMs / 1000, 2),
        '<= 1',
      ],
      ['listing body, MiB', mib(listing.bytes), ''],
      ['server VmRSS before listing, MiB', mib(listing.rssBefore), ''],
      ['server VmRSS after listings, MiB', mib(listing.rssAfter), '<= 200'],
      ['server VmHWM (peak RSS), MiB', mib(listing.hwm), ''],
    ],
  );
  console.log(
    `\nratio JobProxy/bare submits/s: ${fixed(ratio, 2)} (aim >= 0.5); ` +
      `GET /state of ${STORED}: ${fixed(listing.medianMs / 1000, 2)} s (aim <= 1 s), ` +
      `VmRSS ${mib(listing.rssAfter)} MiB, VmHWM ${mib(listing.hwm)} MiB (aim <= 200 MB)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
