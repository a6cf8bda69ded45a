/**
 * Bench servers in child processes (bench/serve-for-bench.ts): start one, learn its URL, read its
 * memory from /proc/PID/status, and stop it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { serverEnv, serverNodeFlags } from '../src/cli/server-runtime.js';

const SERVE_FOR_BENCH = fileURLToPath(new URL('./serve-for-bench.js', import.meta.url));

export interface ChildServer {
  url: string;
  pid: number;
  /** SIGTERM, then resolves when the process has exited. */
  stop(): Promise<void>;
}

/** Memory of a process, bytes: resident now (VmRSS) and its peak (VmHWM). */
export interface ProcessMemory {
  rss: number;
  hwm: number;
}

/**
 * How a JobProxy child is started: as `jobproxy serve` starts a server (src/cli/server-runtime.ts),
 * or, with JOBPROXY_BENCH_RUNTIME=plain, as a plain `node` (to measure what those settings do).
 * The bare server always runs as a plain `node`.
 */
function childRuntime(mode: string): { flags: string[]; env: NodeJS.ProcessEnv } {
  const plain = mode === 'bare' || process.env.JOBPROXY_BENCH_RUNTIME === 'plain';
  return plain
    ? { flags: [], env: process.env }
    : { flags: serverNodeFlags([]), env: serverEnv(process.env) };
}

/** Starts `serve-for-bench.js MODE DIR` and resolves once it prints its URL. */
export function startChildServer(
  mode: 'jobproxy' | 'running' | 'bare',
  dir: string,
): Promise<ChildServer> {
  const { flags, env } = childRuntime(mode);
  const child: ChildProcess = spawn(process.execPath, [...flags, SERVE_FOR_BENCH, mode, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`serve-for-bench ${mode} exited ${code} before listening`)),
    );
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      const { url, pid } = JSON.parse(line) as { url: string; pid: number };
      resolve({
        url,
        pid,
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** VmRSS and VmHWM of process `pid` (Linux /proc). */
export function readProcessMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(match[1]) * 1024;
  };
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

/** The pids of `pid`'s descendants (children, their children, …), from /proc. */
export function descendantsOf(pid: number): number[] {
  const found: number[] = [];
  const visit = (parent: number): void => {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      return; // Gone meanwhile.
    }
    for (const task of tasks) {
      let children = '';
      try {
        children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of children.split(' ').filter(Boolean).map(Number)) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}
