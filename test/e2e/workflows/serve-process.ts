/**
 * A real `jobproxy serve` process with the default configuration (as root: tasks run as nobody;
 * containers: auto), listening on a free loopback port, in a work directory of its own — what a
 * workflow engine meets when an operator starts JobProxy and points the engine at it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { after } from 'node:test';

export interface ServeProcess {
  url: string;
  /** The directory it was started in; its default workdir (the allowed root) is ./jobproxy-work. */
  dir: string;
  workdir: string;
  /** What it printed, for failure messages. */
  output(): string;
}

const CLI = resolve(import.meta.dirname, '../../../src/cli/main.js');
const running: ChildProcess[] = [];
const dirs: string[] = [];
after(async () => {
  for (const child of running) {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((done) => child.once('exit', done));
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** Starts `jobproxy serve` (only serveruri set, plus `extra` flags) and waits until it answers. */
export async function startServeProcess(
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<ServeProcess> {
  // World-traversable (mkdtemp makes 0700): tasks that run as nobody must reach their files.
  const dir = mkdtempSync('/var/tmp/jobproxy-workflows-');
  chmodSync(dir, 0o755);
  dirs.push(dir);
  const url = `http://127.0.0.1:${await freePort()}`;
  const child = spawn(process.execPath, [CLI, 'serve', '-u', `${url}/`, ...extra], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let printed = '';
  child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jobproxy serve exited: ${printed}`);
    const answer = await fetch(`${url}/ga4gh/tes/v1/service-info`).catch(() => undefined);
    if (answer?.ok) break;
    if (Date.now() > deadline) throw new Error(`jobproxy serve did not answer in 30 s: ${printed}`);
    await new Promise((done) => setTimeout(done, 100));
  }
  return { url, dir, workdir: join(dir, 'jobproxy-work'), output: () => printed };
}

/** Whether the server runs executors on the host (its service-info says so). */
export async function runsOnHost(url: string): Promise<boolean> {
  const info = (await (await fetch(`${url}/ga4gh/tes/v1/service-info`)).json()) as {
    description: string;
  };
  return info.description.includes('host processes');
}
