/**
 * What accepting a TES task costs: (a) the validator alone (parseTesTask on a task with inputs,
 * outputs, resources and two executors), (b) POST /ga4gh/tes/v1/tasks through a real server
 * (local framework paused: tasks are validated, stored and held, nothing runs) from 8 keep-alive
 * clients. Prints figures; asserts nothing.
 *
 *   npm run build && node dist/bench/tes-create.js [CREATES [VALIDATIONS]]   (2000, 20000)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseTesTask } from '../src/model/validate-tes.js';
import { keepAliveAgent, percentile, postJson, runPool } from './bench-http.js';
import { startBenchServer } from './bench-server.js';
import { fixed, printTable } from './bench-table.js';

/** A task as a workflow engine sends one; its paths lie in `root`. */
function sampleTask(root: string): Record<string, unknown> {
  return {
    name: 'md5',
    description: 'sums of two inputs',
    inputs: [
      { path: `${root}/in/a.txt`, content: 'hello' },
      { path: `${root}/in/b.txt`, url: 'https://example.org/b.txt' },
    ],
    outputs: [{ path: `${root}/out/*.md5`, path_prefix: `${root}/out/`, url: `file://${root}/r` }],
    resources: { cpu_cores: 1, ram_gb: 0.5 },
    executors: [
      {
        image: 'alpine:3.20',
        command: ['md5sum', 'a.txt'],
        workdir: `${root}/in`,
        env: { A: '1' },
      },
      { image: 'alpine:3.20', command: ['true'], ignore_error: true },
    ],
    volumes: [`${root}/vol`],
    tags: { project: 'bench' },
  };
}

/** A task with a problem in each part: the answer lists four. */
function invalidTask(): Record<string, unknown> {
  return {
    ...sampleTask('/work'),
    executors: [{ image: '', command: 'md5sum' }],
    inputs: [{ path: 'relative' }],
    resources: { cpu_cores: 0 },
  };
}

/** parseTesTask `count` times on `body`: per second (wall) and CPU µs per task (less load-bound). */
function benchValidator(name: string, body: unknown, count: number): string[] {
  const options = { allowedRoots: ['/work'], backendParameters: ['cputime'] };
  const parse = () => {
    try {
      parseTesTask(body, options);
    } catch {
      // An invalid task throws INVALID_TASK: that is what is measured.
    }
  };
  for (let i = 0; i < 1000; i++) parse();
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < count; i++) parse();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const cpuMicros = (used.user + used.system) / count;
  return [name, String(count), fixed((count / ms) * 1000, 0), fixed(cpuMicros, 1), '-', '-'];
}

async function benchCreates(count: number): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-bench-tes-'));
  const server = await startBenchServer({ dir, local: { paused: true } });
  try {
    const agent = keepAliveAgent(8);
    const url = `${server.url}/ga4gh/tes/v1/tasks`;
    // Inside the work directory: the default allowed root.
    const body = sampleTask(join(dir, 'work', 'anonymous'));
    await runPool(200, 8, () => postJson(agent, url, body));
    const { elapsedMs, latenciesMs } = await runPool(count, 8, () => postJson(agent, url, body));
    agent.destroy();
    return [
      'POST /ga4gh/tes/v1/tasks (8 clients)',
      String(count),
      fixed((count / elapsedMs) * 1000, 0),
      '-',
      fixed(percentile(latenciesMs, 50), 2),
      fixed(percentile(latenciesMs, 99), 2),
    ];
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const creates = Number(process.argv[2] ?? 2000);
  const validations = Number(process.argv[3] ?? 20000);
  const rows = [
    benchValidator('parseTesTask, a valid task', sampleTask('/work'), validations),
    benchValidator('parseTesTask, an invalid task', invalidTask(), validations),
    await benchCreates(creates),
  ];
  printTable('TES create', ['path', 'n', 'per s', 'CPU µs', 'p50 ms', 'p99 ms'], rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
