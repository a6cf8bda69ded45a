/**
 * What the Grid Engine e2e tests share: the real cell (they fail, never skip, when its daemons are
 * not running), servers on the gridengine framework, and looks at the queue.
 */
import { execFileSync } from 'node:child_process';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

export const SGE_ENV = { ...process.env, SGE_ROOT: '/var/lib/gridengine', SGE_CELL: 'default' };
export const SGE_BIN = '/usr/lib/gridengine';

const HOW_TO_START =
  'start it with `bash scripts/gridengine/start.sh` (as root: installs gridengine-master, gridengine-exec and ' +
  'gridengine-client if missing, starts sge_qmaster and sge_execd) — or run the tests through npm test, which starts it';

/** Runs a Grid Engine client command (real binary) and returns its stdout. */
export function sge(command: string, args: string[]): string {
  return execFileSync(`${SGE_BIN}/${command}`, args, {
    encoding: 'utf8',
    env: SGE_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
}

/** Throws, naming what is missing, unless sge_qmaster answers and all.q has a live host. */
export function requireGridEngine(): void {
  let queues: string;
  try {
    queues = sge('qstat', ['-f', '-q', 'all.q']);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? `${SGE_BIN}/qstat is not installed`
        : `sge_qmaster does not answer (${(error as Error).message.split('\n')[0]})`;
    throw new Error(`Grid Engine is missing: ${reason}; ${HOW_TO_START}`);
  }
  // A queue instance line: "all.q@vm  BIP  0/0/8  0.31  lx-amd64  [states]"; -NA- load = no execd.
  const instance = queues.split('\n').find((line) => line.startsWith('all.q@'));
  if (!instance || /-NA-/.test(instance) || instance.trim().split(/\s+/).length > 5) {
    throw new Error(
      `sge_execd is not running or all.q is not usable (qstat -f: "${instance?.trim() ?? 'no all.q'}"); ${HOW_TO_START}`,
    );
  }
}

/** A server on the gridengine framework (fast polling for tests). */
export function startGridEngineServer(
  overrides: Parameters<typeof startTestServer>[0] = {},
): Promise<TestServer> {
  return startTestServer({
    framework: 'gridengine',
    ...overrides,
    frameworkOptions: { pollSeconds: 0.3, ...overrides.frameworkOptions },
  });
}

/** Job ids qstat lists (queued or running), of every user. */
export function queuedJobIds(): Set<string> {
  const out = sge('qstat', ['-u', '*']);
  return new Set(
    out
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0] ?? '')
      .filter((id) => /^\d+$/.test(id)),
  );
}
