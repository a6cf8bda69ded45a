/**
 * bench/kubernetes-throughput: N tasks of /bin/true through a real JobProxy server on the
 * kubernetes framework, until every one is COMPLETE, against a bash loop of
 * `kubectl create job NAME --image=IMAGE -- /bin/true` (one after the other) until every Job has
 * its Complete condition — in the same run, on the same cluster, ROUNDS rounds interleaved.
 * A JobProxy pod runs three containers (the busybox copy, the executor, the stderr/exit-code
 * step) where the kubectl Job runs one. Prints both rates and the ratio (JobProxy / kubectl).
 * Figures are printed, never asserted. Needs the lab cluster (scripts/kubernetes/start.sh) and
 * kubectl.
 *
 *   npm run build && node dist/bench/kubernetes-throughput.js [N [ROUNDS]]   (defaults: 20, 2)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BatchV1Api, KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { frameworkDefaults } from '../src/backends/create-backend.js';
import { DEFAULT_CONFIG, type Config } from '../src/config/config.js';
import { startServer } from '../src/server.js';
import { keepAliveAgent, postJson, runPool, waitAllComplete, median } from './bench-http.js';
import { fixed, printTable } from './bench-table.js';
import { setTimeout as sleep } from 'node:timers/promises';

const N = Number(process.argv[2] ?? 20);
const ROUNDS = Number(process.argv[3] ?? 2);
const KUBECONFIG = process.env.KUBECONFIG || '/var/lib/k8s-lab/admin.kubeconfig';
const IMAGE = process.env.JOBPROXY_BENCH_K8S_IMAGE ?? 'k8s-lab.local/busybox:1.35';
const NAMESPACE = 'default';
const CLIENTS = 4;
const TIMEOUT_MS = 10 * 60_000;

const config = new KubeConfig();
config.loadFromFile(KUBECONFIG);
const batch = config.makeApiClient(BatchV1Api);

function sh(script: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      'bash',
      ['-c', script],
      { env: { ...process.env, KUBECONFIG }, maxBuffer: 1 << 24 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${script.slice(0, 80)}…: ${stderr}`)) : resolve(stdout),
    ),
  );
}

/** Completed Jobs whose name starts with `prefix`; throws on a failed one. */
async function completed(prefix: string): Promise<number> {
  const jobs = (await batch.listNamespacedJob({ namespace: NAMESPACE })).items.filter((j) =>
    j.metadata?.name?.startsWith(prefix),
  );
  const condition = (type: string) => (j: (typeof jobs)[number]) =>
    j.status?.conditions?.some((c) => c.type === type && c.status === 'True');
  const failed = jobs.find(condition('Failed'));
  if (failed) throw new Error(`Job ${failed.metadata?.name} failed`);
  return jobs.filter(condition('Complete')).length;
}

/** The kubectl loop: ms from the first create to the last Job Complete. */
async function kubectlLoop(round: number): Promise<number> {
  const prefix = `kbench-${round}-${Date.now().toString(36)}-`;
  const start = performance.now();
  await sh(
    `for i in $(seq ${N}); do kubectl create job ${prefix}$i --image=${IMAGE} -- /bin/true > /dev/null || exit 1; done`,
  );
  const deadline = Date.now() + TIMEOUT_MS;
  while ((await completed(prefix)) < N) {
    if (Date.now() > deadline) throw new Error('kubectl Jobs not Complete in time');
    await sleep(100);
  }
  const ms = performance.now() - start;
  await sh(
    `kubectl get jobs -o name | grep '/${prefix}' | xargs -r kubectl delete --wait=false > /dev/null`,
  );
  return ms;
}

function benchConfig(dir: string): Config {
  const defaults = frameworkDefaults('kubernetes');
  return {
    ...DEFAULT_CONFIG,
    serveruri: 'http://127.0.0.1:0/',
    store: join(dir, 'jobproxy.db'),
    workdir: join(dir, 'work'),
    log: 'silent',
    pollIntervalMs: 200,
    framework: 'kubernetes',
    frameworks: {
      kubernetes: {
        ...defaults,
        kubeconfig: KUBECONFIG,
        namespace: NAMESPACE,
        defaultImage: IMAGE,
        imagePullPolicy: 'IfNotPresent',
        ttlAfterFinished: 0,
      },
    },
  };
}

/** N tasks through JobProxy: ms from the first submit to the listing showing all COMPLETE. */
async function throughJobProxy(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-bench-k8s-'));
  const server = await startServer(benchConfig(dir), pino({ level: 'silent' }));
  const agent = keepAliveAgent(CLIENTS);
  try {
    const start = performance.now();
    await runPool(N, CLIENTS, () =>
      postJson(agent, `${server.url}/v1/jobproxy/submit`, { user: 'bench', cmd: ['/bin/true'] }),
    );
    await waitAllComplete(agent, server.url, N, TIMEOUT_MS, 100);
    return performance.now() - start;
  } finally {
    agent.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!Number.isInteger(N) || N < 1 || !Number.isInteger(ROUNDS) || ROUNDS < 1) {
    throw new Error('N and ROUNDS must be positive integers');
  }
  console.log(
    `kubernetes-throughput: ${N} Jobs of /bin/true, ${ROUNDS} rounds, image ${IMAGE}, node ${process.version}`,
  );
  const kubectl: number[] = [];
  const proxy: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    kubectl.push(await kubectlLoop(round));
    proxy.push(await throughJobProxy());
    console.log(
      `  round ${round}: kubectl ${fixed(kubectl.at(-1)! / 1000, 1)} s, JobProxy ${fixed(proxy.at(-1)! / 1000, 1)} s`,
    );
  }
  const rate = (ms: number) => (N * 1000) / ms;
  const rows = [
    [
      'kubectl create job loop',
      String(N),
      fixed(median(kubectl) / 1000, 1),
      fixed(rate(median(kubectl)), 2),
    ],
    [
      'JobProxy (v1 submit, 4 clients)',
      String(N),
      fixed(median(proxy) / 1000, 1),
      fixed(rate(median(proxy)), 2),
    ],
  ];
  printTable('Jobs to completion (median round)', ['how', 'Jobs', 'seconds', 'Jobs/s'], rows);
  console.log(`ratio JobProxy / kubectl: ${fixed(rate(median(proxy)) / rate(median(kubectl)), 2)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
