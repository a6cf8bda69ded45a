/**
 * The owner helper: a child process the server forks for each TES staging job. It loads its code
 * while still root, then gives up root for good — supplementary groups, gid, uid — becoming the
 * task's owner before it opens a single file, so the kernel checks every path a request named
 * against the owner's rights, not the server's. It does one job, answers and exits.
 */
import { resolveS3Settings } from '../../storage/s3-settings.js';
import { isS3Url } from '../../storage/s3-url.js';
import type { StorageSettings } from '../../storage/storage-settings.js';
import { collectOutputs } from './tes-outputs.js';
import { stageInputs } from './tes-inputs.js';
import type { HelperIdentity, HelperRequest, StagingAnswer, StagingJob } from './staging-job.js';

/** Becomes `identity` irreversibly (real, effective and saved ids), or throws. */
export function becomeOwner(identity: HelperIdentity): void {
  // In Node since 0.9 (POSIX), though @types/node leaves it out.
  const { initgroups } = process as unknown as { initgroups(user: string, gid: number): void };
  if (identity.account !== undefined) initgroups(identity.account, identity.gid);
  else process.setgroups!([]);
  process.setgid!(identity.gid);
  process.setuid!(identity.uid);
  // Fail closed: never work with rights the owner does not have.
  if (process.getuid!() !== identity.uid || process.geteuid!() !== identity.uid) {
    throw new Error(`could not become uid ${identity.uid}`);
  }
  if (process.getgid!() !== identity.gid || process.getegid!() !== identity.gid) {
    throw new Error(`could not become gid ${identity.gid}`);
  }
}

/** Runs one job with the rights the process has now. */
export async function runStagingJob(job: StagingJob): Promise<StagingAnswer> {
  try {
    if (job.op === 'stage') {
      await stageInputs(job.tes, job.roots, job.storage);
      return { ok: true };
    }
    const { logs, problems } = await collectOutputs(job.tes, job.roots, job.storage);
    return { ok: true, logs, problems };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

async function answer(request: HelperRequest): Promise<StagingAnswer> {
  try {
    // While still the server: S3 credentials come from its environment and files, as the AWS CLI
    // finds them, and the SDK loads what it loads lazily. The owner never reads them.
    if (usesS3(request.job)) request.job.storage = await withResolvedS3(request.job.storage);
    becomeOwner(request.identity);
  } catch (error) {
    return {
      ok: false,
      message: `staging could not run as the task's owner: ${(error as Error).message}`,
    };
  }
  return runStagingJob(request.job);
}

function usesS3(job: StagingJob): boolean {
  return [...job.tes.inputs.map((i) => i.url), ...job.tes.outputs.map((o) => o.url)].some(
    (url) => url !== undefined && isS3Url(url),
  );
}

async function withResolvedS3(storage: StorageSettings): Promise<StorageSettings> {
  return { ...storage, s3: await resolveS3Settings(storage.s3) };
}

if (process.send) {
  process.once('message', (request: HelperRequest) => {
    void answer(request).then((result) => {
      process.send!(result, () => process.exit(0));
    });
  });
}
