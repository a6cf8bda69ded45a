/**
 * What the Slurm e2e tests share: the real scheduler (they fail, never skip, when its daemons are
 * not running), servers on the slurm framework, and a look at the queue.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const HOW_TO_START =
  'start it with `bash scripts/slurm/start.sh` (as root: installs slurmctld, slurmd, slurm-client and munge if ' +
  'missing, starts munged, slurmctld and slurmd) — or run the tests through npm test, which starts it';

function run(file: string, args: string[]): string {
  return execFileSync(file, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
}

/** Throws, naming what is missing, unless slurmctld answers and the node takes jobs. */
export function requireSlurm(): void {
  let ping: string;
  try {
    ping = run('scontrol', ['ping']);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'scontrol is not installed'
        : (error as Error).message;
    throw new Error(`Slurm is missing: ${reason}; ${HOW_TO_START}`);
  }
  if (!/is UP/.test(ping))
    throw new Error(`slurmctld is not running (scontrol ping: ${ping.trim()}); ${HOW_TO_START}`);
  const nodes = run('sinfo', ['-h', '-N', '-o', '%T']).trim();
  if (!/^(idle|mixed|allocated|completing)/m.test(nodes)) {
    throw new Error(
      `no Slurm node takes jobs (slurmd not running? sinfo says "${nodes}"); ${HOW_TO_START}`,
    );
  }
}

/** A server on the slurm framework (fast polling for tests). */
export function startSlurmServer(
  overrides: Parameters<typeof startTestServer>[0] = {},
): Promise<TestServer> {
  return startTestServer({
    framework: 'slurm',
    ...overrides,
    frameworkOptions: { pollSeconds: 0.3, ...overrides.frameworkOptions },
  });
}

/** The states squeue shows for these jobs (jobs it no longer lists are absent). */
export function squeueStates(jobIds: string[]): Map<string, string> {
  const states = new Map<string, string>();
  if (jobIds.length === 0) return states;
  let out = '';
  try {
    out = run('squeue', ['-h', '-t', 'all', '-j', jobIds.join(','), '-o', '%i|%T']);
  } catch {
    return states;
  }
  for (const line of out.split('\n')) {
    const [id, state] = line.trim().split('|');
    if (id && state) states.set(id, state);
  }
  return states;
}

/** Every job id Slurm's queue shows with this job name. */
export function jobsNamed(name: string): string[] {
  return run('squeue', ['-h', '-t', 'all', '-n', name, '-o', '%i']).split('\n').filter(Boolean);
}

/**
 * How many Slurm jobs were made for a task: jobs named after it, plus elements of JobProxy's array
 * jobs (jpa-<array dir>) whose task list holds its directory at that element's index.
 */
export function submissionsOf(workdir: string, taskId: string): number {
  let count = jobsNamed(`jp-${taskId}`).length;
  const arrays = join(workdir, 'arrays');
  for (const name of existsSync(arrays) ? readdirSync(arrays) : []) {
    const lines = readFileSync(join(arrays, name, 'tasks'), 'utf8').split('\n');
    const index = lines.indexOf(join(workdir, 'tasks', taskId)) + 1;
    if (index === 0) continue;
    const elements = run('squeue', [
      '-h',
      '-t',
      'all',
      '-r',
      '-n',
      `jpa-${name}`,
      '-o',
      '%i',
    ]).split('\n');
    count += elements.filter((id) => id.trim().endsWith(`_${index}`)).length;
  }
  return count;
}
