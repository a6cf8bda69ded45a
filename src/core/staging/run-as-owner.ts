/**
 * Runs a staging job as the task's owner: in a forked owner helper (owner-helper.ts) that drops
 * to the owner's uid and gid before touching a file, or in this process when tasks run as the
 * server itself (it is not root, or the operator chose runAs=root). A helper that does not answer
 * within the deadline is killed and the job fails.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { UnixIdentity } from '../../backends/run-as.js';
import { runStagingJob } from './owner-helper.js';
import type { HelperRequest, StagingAnswer, StagingJob } from './staging-job.js';

const HELPER = fileURLToPath(new URL('./owner-helper.js', import.meta.url));

/** The environment the helper gets: enough to run, none of the server's secrets. */
function helperEnv(): NodeJS.ProcessEnv {
  const keep = [
    'PATH',
    'LANG',
    'TZ',
    'NODE_EXTRA_CA_CERTS',
    'HTTPS_PROXY',
    'HTTP_PROXY',
    'NO_PROXY',
  ];
  return Object.fromEntries(keep.filter((k) => process.env[k]).map((k) => [k, process.env[k]]));
}

/** The job's answer; `identity` undefined = with this process's own rights. */
export async function runAsOwner(
  job: StagingJob,
  identity: UnixIdentity | undefined,
  deadlineMs: number,
): Promise<StagingAnswer> {
  if (!identity) return runStagingJob(job);
  const request: HelperRequest = {
    identity: {
      uid: identity.uid,
      gid: identity.gid,
      ...(identity.pooled ? {} : { account: identity.name }),
    },
    job,
  };
  return new Promise((resolve) => {
    const child = fork(HELPER, [], {
      env: helperEnv(),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      cwd: '/',
    });
    let stderr = '';
    let settled = false;
    const settle = (result: StagingAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      resolve(result);
    };
    const timer = setTimeout(
      () => settle({ ok: false, message: `staging took longer than ${deadlineMs / 1000} s` }),
      deadlineMs,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('message', (answer: StagingAnswer) => settle(answer));
    child.on('error', (error) =>
      settle({ ok: false, message: `staging helper: ${error.message}` }),
    );
    child.on('close', (code, signal) =>
      settle({
        ok: false,
        message: `staging helper ended (${signal ?? `exit ${code}`}) without answering${stderr ? `: ${stderr.trim()}` : ''}`,
      }),
    );
    child.send(request);
  });
}
