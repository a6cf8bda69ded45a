/**
 * bench/task-latency: how long one task takes, end to end. TASKS times, one after another: submit
 * a single `/bin/true` to a JobProxy server (a child process, local framework running) and follow
 * it to COMPLETE with the long-poll `GET /v1/jobproxy/state/:id?wait=…` (answered as the state
 * changes, not on a poll tick); beside it, the same number of bare `spawn('/bin/true')` from Node,
 * each timed from spawn to exit. Prints p50 and p99 of each. Figures are printed, never asserted.
 *
 *   npm run build && node dist/bench/task-latency.js [TASKS]   (200)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Agent } from 'node:http';
import { startChildServer } from './bench-child.js';
import { httpCall, keepAliveAgent, percentile, postJson } from './bench-http.js';
import { fixed, printTable } from './bench-table.js';

const TASKS = Number(process.argv[2] ?? 200);
/** Tasks run (and thrown away) first, so the server is warm. */
const WARMUP = 10;
const FINISHED = new Set(['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED']);

/** Follows one task to its end with long-polls; fails unless it ends COMPLETE. */
async function followToEnd(agent: Agent, serverUrl: string, id: string): Promise<void> {
  for (let polls = 0; polls < 100; polls++) {
    const answer = await httpCall(agent, `${serverUrl}/v1/jobproxy/state/${id}?wait=10s`, {
      headers: { accept: 'application/json' },
    });
    if (answer.status !== 200) throw new Error(`GET state answered ${answer.status}`);
    const state = JSON.parse(answer.body) as { code: string; description: string };
    if (state.code === 'COMPLETE') return;
    if (FINISHED.has(state.code))
      throw new Error(`task ${id} ended ${state.code}: ${state.description}`);
  }
  throw new Error(`task ${id} did not end`);
}

async function jobproxyLatencies(): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-bench-'));
  const server = await startChildServer('running', dir);
  const agent = keepAliveAgent(2);
  try {
    const times: number[] = [];
    for (let i = 0; i < WARMUP + TASKS; i++) {
      const start = performance.now();
      const id = await postJson(agent, `${server.url}/v1/jobproxy/submit`, {
        user: 'bench',
        cmd: ['/bin/true'],
      });
      await followToEnd(agent, server.url, id.trim());
      if (i >= WARMUP) times.push(performance.now() - start);
    }
    return times;
  } finally {
    agent.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function bareSpawn(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/true', [], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
  });
}

async function bareLatencies(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + TASKS; i++) {
    const start = performance.now();
    await bareSpawn();
    if (i >= WARMUP) times.push(performance.now() - start);
  }
  return times;
}

async function main(): Promise<void> {
  if (!Number.isInteger(TASKS) || TASKS < 1) throw new Error('TASKS must be a positive integer');
  console.log(
    `task-latency: ${TASKS} sequential /bin/true (after ${WARMUP}), node ${process.version}`,
  );
  const jobproxy = await jobproxyLatencies();
  const bare = await bareLatencies();
  const ms = (values: number[], p: number): string => fixed(percentile(values, p), 1);
  printTable(
    `task-latency (${TASKS} sequential tasks, submit -> COMPLETE)`,
    ['measure', 'p50, ms', 'p99, ms'],
    [
      ['JobProxy: submit -> COMPLETE (long-poll)', ms(jobproxy, 50), ms(jobproxy, 99)],
      ['bare spawn(/bin/true) -> exit', ms(bare, 50), ms(bare, 99)],
      [
        'ratio JobProxy / bare (p50)',
        fixed(percentile(jobproxy, 50) / percentile(bare, 50), 1),
        fixed(percentile(jobproxy, 99) / percentile(bare, 99), 1),
      ],
    ],
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
