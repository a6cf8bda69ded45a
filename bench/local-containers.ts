/**
 * bench/local-containers: N container tasks (`true` in the local test image) through the HTTP API
 * of a real JobProxy server on the local framework with containers=docker, followed to COMPLETE
 * through the listing; in the same run, the same N as `docker run --rm --init` from the Docker CLI
 * at the concurrency the local framework allows. Prints both rates and their ratio; figures are
 * printed, never asserted. Needs dockerd and the image: `bash scripts/docker/start.sh`.
 *
 *   npm run build && node dist/bench/local-containers.js [N [ROUNDS]]   (20 tasks, 3 rounds)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { startServer } from '../src/server.js';
import { keepAliveAgent, median, postJson, runPool, waitAllComplete } from './bench-http.js';
import { benchConfig, localOptions } from './bench-server.js';
import { fixed, printTable } from './bench-table.js';

const N = Number(process.argv[2] ?? 20);
const ROUNDS = Number(process.argv[3] ?? 3);
const IMAGE = process.env.JOBPROXY_BENCH_IMAGE ?? 'jobproxy-test/busybox:latest';
const SOCKET = process.env.DOCKER_SOCK ?? '/var/run/docker.sock';
/** Debian's client matches the engine it ships; another `docker` on PATH may be newer. */
const DOCKER_CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const CLIENTS = 4;
const LISTING_EVERY_MS = 50;
const TIMEOUT_MS = 10 * 60_000;

const local = localOptions({ dockerSocket: SOCKET });
/** Tasks the local framework runs at once: each task without `cores` reserves `defaultCores`. */
const SLOTS = Math.max(1, Math.floor(Number(local.cores) / Number(local.defaultCores)));

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${output.trim()}`)),
    );
  });
}

/** N container tasks through JobProxy, SLOTS running at a time by the framework's own queue. */
async function throughJobProxy(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-bench-'));
  const config = { ...benchConfig({ dir, local }), containers: 'docker' };
  const server = await startServer(config, pino({ level: 'silent' }));
  const agent = keepAliveAgent(CLIENTS + 1);
  try {
    const task = { user: 'bench', container: { image: IMAGE, cmd: ['true'] } };
    const start = performance.now();
    await runPool(N, CLIENTS, () => postJson(agent, `${server.url}/v1/jobproxy/submit`, task));
    await waitAllComplete(agent, server.url, N, TIMEOUT_MS, LISTING_EVERY_MS);
    return performance.now() - start;
  } finally {
    agent.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** N `docker run --rm --init IMAGE true`, SLOTS at a time. */
async function dockerRun(): Promise<number> {
  const { elapsedMs } = await runPool(N, SLOTS, () =>
    run(DOCKER_CLI, ['-H', `unix://${SOCKET}`, 'run', '--rm', '--init', IMAGE, 'true']),
  );
  return elapsedMs;
}

const RUNS: { name: string; run: () => Promise<number> }[] = [
  { name: `docker run --rm --init (${DOCKER_CLI})`, run: dockerRun },
  { name: 'JobProxy container task', run: throughJobProxy },
];

async function main(): Promise<void> {
  if (!Number.isInteger(N) || N < 1)
    throw new Error(`N must be a positive integer, not ${process.argv[2]}`);
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
    throw new Error(`ROUNDS must be a positive integer, not ${process.argv[3]}`);
  }
  try {
    await run(DOCKER_CLI, ['-H', `unix://${SOCKET}`, 'image', 'inspect', IMAGE]);
  } catch (error) {
    throw new Error(
      `dockerd with the image ${IMAGE} is needed on ${SOCKET}: run \`bash scripts/docker/start.sh\` ` +
        `(${(error as Error).message})`,
    );
  }
  const version = (
    await run(DOCKER_CLI, ['-H', `unix://${SOCKET}`, 'version', '--format', '{{.Server.Version}}'])
  ).trim();
  console.log(
    `local-containers: ${N} container tasks of \`true\` (${IMAGE}), ${SLOTS} at a time ` +
      `(local.cores=${local.cores}, defaultCores=${local.defaultCores}), dockerd ${version}, ` +
      `${ROUNDS} rounds, node ${process.version}`,
  );
  // Warm up: the engine's first container pays for setting up the bridge network and caches.
  await run(DOCKER_CLI, ['-H', `unix://${SOCKET}`, 'run', '--rm', '--init', IMAGE, 'true']);

  // Rounds interleave the runs so that load from elsewhere on a shared machine hits both alike.
  const times = RUNS.map(() => [] as number[]);
  for (let round = 1; round <= ROUNDS; round++) {
    const line: string[] = [];
    for (const [i, { run: runOnce }] of RUNS.entries()) {
      const elapsedMs = await runOnce();
      times[i]!.push(elapsedMs);
      line.push(fixed(elapsedMs / 1000, 2));
    }
    console.log(`  round ${round}: ${line.join(' s, ')} s`);
  }
  const medians = times.map(median);
  printTable(
    `${N} container tasks, ${SLOTS} at a time (median of ${ROUNDS} rounds)`,
    ['run', 'seconds', 'tasks/s', 'ms/task', 'min-max s'],
    RUNS.map((r, i) => [
      r.name,
      fixed(medians[i]! / 1000, 2),
      fixed((N * 1000) / medians[i]!, 2),
      fixed(medians[i]! / N, 0),
      `${fixed(Math.min(...times[i]!) / 1000, 2)}-${fixed(Math.max(...times[i]!) / 1000, 2)}`,
    ]),
  );
  const [cli, proxy] = medians as [number, number];
  // Rates are N/elapsed, so the ratio of rates is the inverse ratio of times.
  console.log(`\nratio JobProxy/docker run (tasks/s): ${fixed(cli / proxy, 2)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
