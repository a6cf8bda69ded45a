/**
 * bench/batch-throughput: N tasks through a real JobProxy server on the slurm or gridengine
 * framework against a plain bash loop of the scheduler's submit command (sbatch / qsub, one after
 * the other), in the same run. Two measures:
 *   submit  — until every task has its job id; jobs are submitted held (--hold / -h) so that
 *             running them does not load the machine, and are cancelled afterwards;
 *   finish  — tasks of /bin/true until every one has ended (the scheduler's own pace dominates).
 * Prints both rates and their ratio (JobProxy / plain; aim >= 1.0). Figures are printed, never
 * asserted. Needs the schedulers running (scripts/slurm/start.sh, scripts/gridengine/start.sh).
 *
 *   npm run build && node dist/bench/batch-throughput.js [slurm|gridengine|both] [N] [N_FINISH]
 *   (defaults: both, 200 submits, 100 finished tasks)
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { frameworkDefaults } from '../src/backends/create-backend.js';
import { DEFAULT_CONFIG, type Config } from '../src/config/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { keepAliveAgent, postJson, runPool } from './bench-http.js';
import { fixed, printTable } from './bench-table.js';
import { setTimeout as sleep } from 'node:timers/promises';

const WHICH = process.argv[2] ?? 'both';
const N = Number(process.argv[3] ?? 200);
const N_FINISH = Number(process.argv[4] ?? 100);
/** Concurrent HTTP clients submitting to JobProxy. */
const CLIENTS = 4;
const TIMEOUT_MS = 10 * 60_000;
const SGE_ENV = { ...process.env, SGE_ROOT: '/var/lib/gridengine', SGE_CELL: 'default' };

interface SchedulerBench {
  framework: 'slurm' | 'gridengine';
  /** The held-submit option of the scheduler. */
  hold: string;
  submit: (script: string, held: boolean) => string[];
  parseId: (stdout: string) => string;
  cancel: (ids: string[]) => string[];
  /** argv listing the job ids still queued or running. */
  active: string[];
  parseActive: (stdout: string) => Set<string>;
  env: NodeJS.ProcessEnv;
}

const SCHEDULERS: SchedulerBench[] = [
  {
    framework: 'slurm',
    hold: '--hold',
    submit: (script, held) => [
      'sbatch',
      '--parsable',
      ...(held ? ['--hold'] : []),
      '-o',
      '/dev/null',
      script,
    ],
    parseId: (stdout) => stdout.trim().split(';')[0]!,
    cancel: (ids) => ['scancel', ...ids],
    active: ['squeue', '-h', '-o', '%i'],
    parseActive: (stdout) =>
      new Set(
        stdout
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      ),
    env: process.env,
  },
  {
    framework: 'gridengine',
    hold: '-h',
    submit: (script, held) => [
      '/usr/lib/gridengine/qsub',
      '-terse',
      ...(held ? ['-h'] : []),
      '-o',
      '/dev/null',
      '-e',
      '/dev/null',
      script,
    ],
    parseId: (stdout) => stdout.trim(),
    cancel: (ids) => ['/usr/lib/gridengine/qdel', ...ids],
    active: ['/usr/lib/gridengine/qstat', '-u', '*'],
    parseActive: (stdout) =>
      new Set(
        stdout
          .split('\n')
          .map((l) => l.trim().split(/\s+/)[0] ?? '')
          .filter((id) => /^\d+$/.test(id)),
      ),
    env: SGE_ENV,
  },
];

function run(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${argv.join(' ')}: ${err.trim()}`)),
    );
  });
}

async function cancelAll(s: SchedulerBench, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 200)
    await run(s.cancel(ids.slice(i, i + 200)), s.env).catch(() => undefined);
}

/** Waits until none of `ids` is queued or running any more. */
async function waitGone(s: SchedulerBench, ids: string[]): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const active = s.parseActive(await run(s.active, s.env));
    if (!ids.some((id) => active.has(id))) return;
    if (Date.now() > deadline) throw new Error('jobs still active after the timeout');
    await sleep(200);
  }
}

/** The plain loop: a bash for loop submitting one job after the other; elapsed ms and job ids. */
async function plainLoop(
  s: SchedulerBench,
  count: number,
  held: boolean,
  dir: string,
): Promise<{ ms: number; ids: string[] }> {
  const script = join(dir, 'plain.sh');
  writeFileSync(script, '#!/bin/sh\n/bin/true\n', { mode: 0o755 });
  const submit = s
    .submit(script, held)
    .map((word) => `'${word}'`)
    .join(' ');
  const loop = `for i in $(seq ${count}); do ${submit} || exit 1; done`;
  const start = performance.now();
  const out = await run(['bash', '-c', loop], s.env);
  const ids = out.split('\n').filter(Boolean).map(s.parseId);
  if (!held) await waitGone(s, ids);
  return { ms: performance.now() - start, ids };
}

function benchConfig(s: SchedulerBench, dir: string, held: boolean): Config {
  const defaults = frameworkDefaults(s.framework);
  return {
    ...DEFAULT_CONFIG,
    serveruri: 'http://127.0.0.1:0/',
    state: join(dir, 'state'),
    store: join(dir, 'state', 'jobproxy.db'),
    workdir: join(dir, 'work'),
    log: 'silent',
    pollIntervalMs: 200,
    framework: s.framework,
    frameworks: {
      [s.framework]: { ...defaults, pollSeconds: 0.2, extraOptions: held ? s.hold : '' },
    },
  };
}

/** N tasks through JobProxy: until all have job ids (held) or all have ended. */
async function throughJobProxy(
  s: SchedulerBench,
  count: number,
  held: boolean,
  dir: string,
): Promise<{ ms: number; ids: string[] }> {
  const server: RunningServer = await startServer(
    benchConfig(s, dir, held),
    pino({ level: 'silent' }),
  );
  const agent = keepAliveAgent(CLIENTS);
  try {
    const start = performance.now();
    await runPool(count, CLIENTS, () =>
      postJson(agent, `${server.url}/v1/jobproxy/submit`, { user: 'bench', cmd: ['/bin/true'] }),
    );
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const tasks = server.service.listTasks({});
      const failed = tasks.find((t) =>
        ['EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED'].includes(t.state),
      );
      if (failed) throw new Error(`a task ended ${failed.state}: ${failed.description}`);
      const done = held
        ? tasks.filter((t) => t.jobId !== null)
        : tasks.filter((t) => t.state === 'COMPLETE');
      if (done.length === count) {
        return {
          ms: performance.now() - start,
          ids: [...new Set(tasks.map((t) => t.jobId!.split(/[_.]/)[0]!))],
        };
      }
      if (Date.now() > deadline)
        throw new Error(`only ${done.length} of ${count} tasks done after the timeout`);
      await sleep(held ? 10 : 100);
    }
  } finally {
    agent.destroy();
    await server.close();
  }
}

async function benchScheduler(s: SchedulerBench): Promise<string[][]> {
  const rows: string[][] = [];
  for (const [measure, count, held] of [
    ['submit (held)', N, true],
    ['finish /bin/true', N_FINISH, false],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), `jobproxy-bench-${s.framework}-`));
    // mkdtemp makes it 0700: the jobs' user (nobody, the batch default) must pass through.
    chmodSync(dir, 0o711);
    try {
      const plain = await plainLoop(s, count, held, dir);
      if (held) await cancelAll(s, plain.ids);
      const proxy = await throughJobProxy(s, count, held, dir);
      if (held) await cancelAll(s, proxy.ids);
      const plainRate = (count * 1000) / plain.ms;
      const proxyRate = (count * 1000) / proxy.ms;
      console.log(
        `  ${s.framework} ${measure}: plain ${fixed(plainRate, 1)}/s, JobProxy ${fixed(proxyRate, 1)}/s`,
      );
      rows.push([
        s.framework,
        measure,
        String(count),
        fixed(plainRate, 1),
        fixed(proxyRate, 1),
        fixed(proxyRate / plainRate, 2),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

async function main(): Promise<void> {
  if (!Number.isInteger(N) || N < 1 || !Number.isInteger(N_FINISH) || N_FINISH < 1) {
    throw new Error('N and N_FINISH must be positive integers');
  }
  const chosen = SCHEDULERS.filter((s) => WHICH === 'both' || WHICH === s.framework);
  if (chosen.length === 0) throw new Error(`unknown scheduler ${WHICH}: slurm, gridengine or both`);
  console.log(
    `batch-throughput: ${N} held submits, ${N_FINISH} finished tasks, ${CLIENTS} HTTP clients, node ${process.version}`,
  );
  const rows: string[][] = [];
  for (const s of chosen) rows.push(...(await benchScheduler(s)));
  printTable(
    'JobProxy vs a plain submit loop (tasks/s; ratio = JobProxy / plain, aim >= 1.0)',
    ['scheduler', 'measure', 'tasks', 'plain/s', 'JobProxy/s', 'ratio'],
    rows,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
