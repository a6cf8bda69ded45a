/**
 * A Snakemake 9 workflow of three rules (snakemake/Snakefile) through
 * snakemake-executor-plugin-tes 0.1.3 against a default-config `jobproxy serve`, its jobs in
 * containers through dockerd. The plugin assumes no shared file system, so Snakemake needs a
 * default storage provider: S3, here the SeaweedFS server of scripts/s3. Each job runs
 * `python -m snakemake` in its container and reads and writes S3 itself, so the image is one with
 * Snakemake in it (scripts/workflows/snakemake-image.sh) and the S3 endpoint one both the client
 * and the containers reach: SeaweedFS listens on loopback only, so the test forwards a port on
 * the docker bridge's address to it for its own duration. py-tes 0.4.2 (the plugin's pin)
 * appends /v1/tasks to the URL it is given, hence `--tes-url <server>/ga4gh/tes`. Fails, naming
 * what is missing, without the venv, S3, dockerd or the image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freshBucket, readObject, requireS3, S3_TEST } from '../s3/s3-helpers.js';
import { startServeProcess } from './serve-process.js';
import { run, venvBin } from './venv.js';
import { forwardFromDockerBridge } from './bridge-forward.js';

const SNAKEFILE = resolve(
  import.meta.dirname,
  '../../../../test/e2e/workflows/snakemake/Snakefile',
);
/** Made by scripts/workflows/snakemake-image.sh (the plugin's default names a registry image). */
const IMAGE = process.env.JOBPROXY_SNAKEMAKE_IMAGE ?? 'jobproxy-test/snakemake:9.27.1';

function requireImage(): void {
  try {
    execFileSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' });
  } catch {
    throw new Error(
      `image ${IMAGE} missing (or dockerd down): bash scripts/workflows/snakemake-image.sh`,
    );
  }
}

/** Every task the server ran, with the end of its logs, for a failure message. */
async function tasksReport(url: string): Promise<string> {
  const answer = await fetch(`${url}/ga4gh/tes/v1/tasks?view=FULL`);
  const { tasks } = (await answer.json()) as { tasks: Record<string, unknown>[] };
  return JSON.stringify(
    tasks.map((t) => ({ state: t.state, logs: t.logs })),
    null,
    1,
  ).slice(-6000);
}

test('snakemake runs a three-rule workflow through the TES executor', async () => {
  const bin = venvBin('snakemake');
  await requireS3();
  requireImage();
  const endpoint = await forwardFromDockerBridge(S3_TEST.endpoint);
  const bucket = await freshBucket('jobproxy-snakemake');
  const server = await startServeProcess();
  const dir = mkdtempSync(join(server.dir, 'snakemake-'));
  copyFileSync(SNAKEFILE, join(dir, 'Snakefile'));
  // The plugin reads $GITHUB_WORKSPACE/funnel.log when a task fails (left-over debug code):
  // without it, a failed task ends Snakemake with a KeyError instead of the task's state.
  writeFileSync(join(dir, 'funnel.log'), '');
  const args = [
    '--executor',
    'tes',
    '--tes-url',
    `${server.url}/ga4gh/tes`,
    '--jobs',
    '1',
    '--container-image',
    IMAGE,
    '--default-storage-provider',
    's3',
    '--default-storage-prefix',
    `s3://${bucket}/wf`,
    '--storage-s3-endpoint-url',
    endpoint.url,
    '--storage-s3-access-key',
    S3_TEST.accessKeyId,
    '--storage-s3-secret-key',
    S3_TEST.secretAccessKey,
  ];
  const result = await run(`${bin}/snakemake`, args, {
    cwd: dir,
    env: { PATH: `${bin}:${process.env.PATH}`, GITHUB_WORKSPACE: dir },
    timeoutMs: 900_000,
  });
  const why = () => `snakemake ${args.join(' ')}\n${result.output.slice(-5000)}\n--- tasks:\n`;
  endpoint.close();
  if (result.code !== 0) assert.fail(why() + (await tasksReport(server.url)));
  assert.equal((await readObject(bucket, 'wf/shout.txt')).trim(), 'HELLO SNAKEMAKE');
  assert.equal((await readObject(bucket, 'wf/count.txt')).trim(), '16');
  // One TES task per rule, each run to the end in the Snakemake image.
  const listing = await fetch(`${server.url}/ga4gh/tes/v1/tasks?view=BASIC`);
  const { tasks } = (await listing.json()) as { tasks: TesTaskSummary[] };
  assert.deepEqual(
    tasks.map((task) => [task.state, task.executors[0]?.image]),
    Array.from({ length: 3 }, () => ['COMPLETE', IMAGE]),
  );
});

interface TesTaskSummary {
  state: string;
  executors: { image: string }[];
}
