/**
 * bench/local-throughput: N tasks of /bin/true through the HTTP API of a real JobProxy server on
 * the local framework, submitted by a few concurrent clients and followed to COMPLETE through
 * the listing; in the same run, the same N spawned directly from Node at the concurrency the
 * local framework allows (its `cores` option over `defaultCores` per task). Prints both rates and
 * their ratio. Figures are printed, never asserted.
 *
 *   npm run build && node dist/bench/local-throughput.js [N [ROUNDS]]   (defaults: 500 tasks, 3 rounds)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startDirect } from '../src/backends/local/direct-start.js';
import { renderLaunchScript } from '../src/backends/local/launch-script.js';
import { keepAliveAgent, median, postJson, runPool, waitAllComplete } from './bench-http.js';
import { fileCreateCostMs, removeScratch, scratchDir } from './bench-scratch.js';
import { localOptions, startBenchServer } from './bench-server.js';
import { fixed, printTable } from './bench-table.js';
import { cpuTimes, loadBetween } from './machine-load.js';

const N = Number(process.argv[2] ?? 500);
/** Rounds of every run; the table shows medians. */
const ROUNDS = Number(process.argv[3] ?? 3);
/** Untimed tasks through each new server before the clock starts. */
const WARM_UP = 20;
/** Concurrent HTTP clients submitting. */
const CLIENTS = 4;
/** How often the listing is read while waiting for the tasks to complete, ms. */
const LISTING_EVERY_MS = 50;
/** A run that takes longer than this has hung: fail loudly rather than wait forever. */
const TIMEOUT_MS = 10 * 60_000;

const local = localOptions();
/** Tasks the local framework runs at once: each task without `cores` reserves `defaultCores`. */
const SLOTS = Math.max(1, Math.floor(Number(local.cores) / Number(local.defaultCores)));

/** Submits N tasks with this `cmd` and waits, reading the listing, until all are COMPLETE. */
async function throughJobProxy(cmd: string | string[]): Promise<number> {
  const dir = scratchDir();
  const server = await startBenchServer({ dir });
  const agent = keepAliveAgent(CLIENTS + 1);
  try {
    // WARM_UP tasks first, untimed, as spawn is warmed up: the launcher's start and the first
    // compilations of the server's code are first-use costs of a server, not per-task ones.
    await runPool(WARM_UP, CLIENTS, () =>
      postJson(agent, `${server.url}/v1/jobproxy/submit`, { user: 'bench', cmd }),
    );
    await waitAllComplete(agent, server.url, WARM_UP, TIMEOUT_MS, LISTING_EVERY_MS);
    const start = performance.now();
    await runPool(N, CLIENTS, () =>
      postJson(agent, `${server.url}/v1/jobproxy/submit`, { user: 'bench', cmd }),
    );
    await waitAllComplete(agent, server.url, N + WARM_UP, TIMEOUT_MS, LISTING_EVERY_MS);
    return performance.now() - start;
  } finally {
    agent.destroy();
    await server.close();
  }
}

function spawnAndWait(command: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', cwd });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** Spawns `command args` N times from Node, SLOTS at a time, and waits for every exit. */
async function direct(command: string, args: string[]): Promise<number> {
  const { elapsedMs } = await runPool(N, SLOTS, () => spawnAndWait(command, args));
  return elapsedMs;
}

/**
 * Runs the local framework's per-task supervisor script (rendered, written and given its task
 * directory beforehand, untimed) N times, SLOTS at a time: how much of a task's cost is the
 * script itself rather than the server's bookkeeping.
 */
async function launchScriptsOnly(): Promise<number> {
  const dir = scratchDir();
  const scripts = Array.from({ length: N }, (_, i) => {
    const taskDir = join(dir, String(i));
    mkdirSync(taskDir);
    const logPaths = [{ stdout: join(taskDir, 'stdout'), stderr: join(taskDir, 'stderr') }];
    const script = join(taskDir, 'run.1.sh');
    const plan = {
      taskDir,
      markersDir: taskDir,
      launch: 1,
      executors: [{ command: ['/bin/true'] }],
      logPaths,
      cgroupDirs: [],
    };
    writeFileSync(script, renderLaunchScript(plan));
    return { script, taskDir };
  });
  const { elapsedMs } = await runPool(N, SLOTS, (i) =>
    spawnAndWait('/bin/sh', [scripts[i]!.script], scripts[i]!.taskDir),
  );
  return elapsedMs;
}

/**
 * Runs the launcher's direct path (direct-start.ts: claim, task directory and outputs, spawn,
 * exit marker) N times from this process, SLOTS at a time: what one task's launch costs there.
 */
async function directStartsOnly(): Promise<number> {
  const dir = scratchDir();
  const { elapsedMs } = await runPool(N, SLOTS, (i) => {
    const markersDir = join(dir, `m${i}`);
    const taskDir = join(dir, `t${i}`);
    mkdirSync(markersDir);
    const start = {
      taskDir,
      markersDir,
      launch: 1,
      command: ['/bin/true'],
      env: { PATH: '/usr/bin:/bin' },
      stdout: join(taskDir, 'stdout'),
      stderr: join(taskDir, 'stderr'),
      cgroupDirs: [],
    };
    return new Promise<void>((resolve) => startDirect(start, () => resolve()));
  });
  return elapsedMs;
}

const RUNS: { name: string; run: () => Promise<number> }[] = [
  { name: "direct spawn('/bin/true')", run: () => direct('/bin/true', []) },
  { name: "JobProxy cmd ['/bin/true']", run: () => throughJobProxy(['/bin/true']) },
  {
    name: "direct spawn('/bin/sh', ['-c', '/bin/true'])",
    run: () => direct('/bin/sh', ['-c', '/bin/true']),
  },
  { name: "JobProxy cmd '/bin/true' (sh -c)", run: () => throughJobProxy('/bin/true') },
  { name: 'direct: local supervisor script only', run: launchScriptsOnly },
  { name: 'direct: launcher direct path only', run: directStartsOnly },
];

async function main(): Promise<void> {
  if (!Number.isInteger(N) || N < 1)
    throw new Error(`N must be a positive integer, not ${process.argv[2]}`);
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
    throw new Error(`ROUNDS must be a positive integer, not ${process.argv[3]}`);
  }
  console.log(
    `local-throughput: ${N} tasks of /bin/true, ${SLOTS} at a time (local.cores=${local.cores}, ` +
      `defaultCores=${local.defaultCores}), ${CLIENTS} HTTP clients, ${ROUNDS} rounds, node ${process.version}`,
  );
  console.log(`a new file on this disk costs ${fixed(fileCreateCostMs(), 3)} ms of CPU now`);
  // Warm up spawn so that no run pays first-use costs in its figures.
  await runPool(20, SLOTS, () => spawnAndWait('/bin/true', []));

  // Rounds interleave the runs, so a burst of load from elsewhere on a shared machine hits
  // every run alike rather than one of them; the table shows each run's median round.
  const times = RUNS.map(() => [] as number[]);
  const before = cpuTimes();
  for (let round = 1; round <= ROUNDS; round++) {
    const line: string[] = [];
    for (const [i, { run }] of RUNS.entries()) {
      const elapsedMs = await run();
      times[i]!.push(elapsedMs);
      line.push(fixed(elapsedMs / 1000, 2));
    }
    console.log(`  round ${round}: ${line.join(' s, ')} s`);
  }
  const medians = times.map(median);
  printTable(
    `${N} tasks of /bin/true, ${SLOTS} at a time (median of ${ROUNDS} rounds)`,
    ['run', 'seconds', 'tasks/s', 'ms/task', 'min-max s'],
    RUNS.map((r, i) => [
      r.name,
      fixed(medians[i]! / 1000, 2),
      fixed((N * 1000) / medians[i]!, 1),
      fixed(medians[i]! / N, 2),
      `${fixed(Math.min(...times[i]!) / 1000, 2)}-${fixed(Math.max(...times[i]!) / 1000, 2)}`,
    ]),
  );
  // Rates are N/elapsed, so the ratio of rates is the inverse ratio of times.
  const [directArgv, proxyArgv, directShell, proxyShell] = medians as [
    number,
    number,
    number,
    number,
  ];
  console.log(
    `\nratio JobProxy/direct (tasks/s): argv ${fixed(directArgv / proxyArgv, 2)}, ` +
      `sh -c ${fixed(directShell / proxyShell, 2)}   (aim >= 0.8)`,
  );
  // Each JobProxy run against the bare run just before it, in the same round: a slow minute of
  // the machine then weighs on both sides of a ratio rather than on one side of the medians.
  const paired = (bare: number, proxy: number): string =>
    fixed(median(times[bare]!.map((ms, round) => ms / times[proxy]![round]!)), 2);
  console.log(`paired by round (median of ${ROUNDS}): argv ${paired(0, 1)}, sh -c ${paired(2, 3)}`);
  const { steal, busy } = loadBetween(before, cpuTimes());
  console.log(
    `machine during the rounds: ${fixed(busy * 100, 0)} % busy, ${fixed(steal * 100, 1)} % stolen by the host`,
  );
  console.log(`a new file on this disk costs ${fixed(fileCreateCostMs(), 3)} ms of CPU now`);
  removeScratch();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
