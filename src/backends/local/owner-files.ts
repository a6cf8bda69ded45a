/**
 * Output files the server fills on a task's behalf (a container's stdout and stderr), opened with
 * the rights of the task's identity: a small `cat` running as that identity holds each file, so
 * the kernel checks every path against the owner's rights and a link the owner planted leads
 * nowhere the owner could not write anyway. Files in the task's own directory are named relative
 * to it (the writer starts there), so the owner need not reach the work directory by its path.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { UnixIdentity } from '../run-as.js';

/** An open output file. */
export interface WriteTarget {
  write(data: Buffer): Promise<unknown>;
  close(): Promise<void>;
}

/** How a task's output files are made and written. */
export interface OutputFiles {
  /** Makes the file empty (and its directory, if missing). */
  truncate(path: string): Promise<void>;
  /** Opens the file for writing, truncated. */
  open(path: string): Promise<WriteTarget>;
}

/** With the server's own rights: for tasks that run as the server itself. */
export const SERVER_FILES: OutputFiles = {
  async truncate(path) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, '');
  },
  open: (path) => open(path, 'w'),
};

/** With `identity`'s rights; `taskDir` is the task's own directory. */
export function ownerFiles(identity: UnixIdentity, taskDir: string): OutputFiles {
  const name = (path: string): string => (dirname(path) === taskDir ? `./${basename(path)}` : path);
  const run = (script: string, path: string, stdin: 'pipe' | 'ignore'): ChildProcess =>
    spawnAs(identity, ['/bin/sh', '-c', script, 'sh', name(path)], taskDir, stdin);
  return {
    async truncate(path) {
      await finished(run('mkdir -p -- "$(dirname -- "$1")" && : > "$1"', path, 'ignore'), path);
    },
    async open(path) {
      const child = run('exec cat > "$1"', path, 'pipe');
      const done = finished(child, path);
      const stdin = child.stdin!;
      stdin.on('error', () => undefined); // A writer that died reports through `done`.
      return {
        async write(data) {
          if (child.exitCode !== null) return done;
          if (!stdin.write(data)) await Promise.race([once(stdin, 'drain'), done]);
        },
        async close() {
          stdin.end();
          await done;
        },
      };
    },
  };
}

/**
 * Runs `argv` with `identity`'s uid, gid and groups (none for a pool uid) — with the server's own
 * when undefined — in `cwd`, with a bare PATH and nothing else of the server's environment.
 */
export function spawnAs(
  identity: Pick<UnixIdentity, 'uid' | 'gid' | 'pooled'> | undefined,
  argv: string[],
  cwd: string,
  stdin: 'pipe' | 'ignore' = 'ignore',
): ChildProcess {
  const groups = identity?.pooled ? '--clear-groups' : '--init-groups';
  const command = identity
    ? ['setpriv', `--reuid=${identity.uid}`, `--regid=${identity.gid}`, groups, '--', ...argv]
    : argv;
  return spawn(command[0]!, command.slice(1), {
    cwd,
    env: { PATH: '/usr/bin:/bin' },
    stdio: [stdin, 'ignore', 'pipe'],
  });
}

/** Resolves once the child exited 0; otherwise rejects with what it said about `path`. */
export function finished(child: ChildProcess, path: string): Promise<void> {
  let said = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (said.length < 2048) said += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`cannot write ${path} as the task's user: ${said.trim() || `exit ${code}`}`),
          ),
    );
  });
}
