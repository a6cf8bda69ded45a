/**
 * Test servers: a real JobProxy server in this process on a random loopback port, each with its
 * own temporary work directory and store, closed by the test that made it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { pino, type Logger } from 'pino';
import { findFramework, frameworkDefaults } from '../../src/backends/create-backend.js';
import { DEFAULT_CONFIG, type Config } from '../../src/config/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TestServer extends RunningServer {
  dir: string;
  config: Config;
}

/**
 * runAs=root for frameworks that have the option: tests of other features run tasks as the
 * server's user. A framework without it (kubernetes) always gives owners pool uids.
 */
function runAsServer(framework: string): Record<string, unknown> {
  return findFramework(framework).options.some((o) => o.key === 'runAs') ? { runAs: 'root' } : {};
}

/** Framework options with their declared defaults, overridden by `options`. */
export function frameworkOptions(
  name: string,
  options: Record<string, unknown> = {},
): Record<string, unknown> {
  const defaults = frameworkDefaults(name);
  return { ...defaults, ...options };
}

// Registered once at import (the root of the test file), so what a test opens lives until the
// whole file ends, not just the test that opened it.
const openServers: RunningServer[] = [];
const tempDirs: string[] = [];
after(async () => {
  for (const server of openServers) await server.close();
  // Tasks outlive their server: a launcher may still be writing an exit marker (through a
  // rename) into a directory being removed, so a removal that finds it refilled tries again.
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 10 });
});

/** A temporary directory removed when the test file ends. */
export function tempDir(prefix = 'jobproxy-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Starts a server (local framework unless told otherwise) and closes it after the test file. */
export async function startTestServer(
  overrides: Partial<Omit<Config, 'frameworks'>> & {
    frameworkOptions?: Record<string, unknown>;
    /** Reuse this directory (store + workdir), e.g. to restart on the same store. */
    dir?: string;
    /** The server's logger (default: silent unless JOBPROXY_TEST_LOG names a level). */
    logger?: Logger;
  } = {},
): Promise<TestServer> {
  const { frameworkOptions: options, dir = tempDir(), logger, ...rest } = overrides;
  const framework = rest.framework ?? 'local';
  const config: Config = {
    ...DEFAULT_CONFIG,
    serveruri: 'http://127.0.0.1:0/',
    state: join(dir, 'state'),
    store: join(dir, 'state', 'jobproxy.db'),
    workdir: join(dir, 'work'),
    pollIntervalMs: 200,
    ...rest,
    // Tests of other features run tasks as the server's user, an explicit operator choice; the
    // default (a root server runs tasks as nobody) has tests of its own (test/security/).
    frameworks: {
      [framework]: frameworkOptions(framework, { ...runAsServer(framework), ...options }),
    },
  };
  const server = await startServer(
    config,
    logger ?? pino({ level: process.env.JOBPROXY_TEST_LOG ?? 'silent' }),
  );
  openServers.push(server);
  return { ...server, dir, config };
}

const TERMINAL = new Set(['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED']);

/** Submits a v1 task as JSON; resolves to its id (fails the test on a non-200). */
export async function submitTask(server: { url: string }, task: object): Promise<string> {
  const response = await fetch(`${server.url}/v1/jobproxy/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(task),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`submit answered ${response.status}: ${text}`);
  return text;
}

/** GETs /v1/jobproxy/state/{id} as JSON. */
export async function getState(
  server: { url: string },
  id: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}/v1/jobproxy/state/${id}`, {
    headers: { accept: 'application/json' },
  });
  if (response.status !== 200) throw new Error(`state/${id} answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Polls a task until `until(state)` holds (default: a terminal state), or fails after timeoutMs. */
export async function waitForState(
  server: { url: string },
  id: string,
  until: (state: Record<string, unknown>) => boolean = (s) => TERMINAL.has(String(s.code)),
  timeoutMs = 30_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    last = await getState(server, id);
    if (until(last)) return last;
    await sleep(50);
  }
  throw new Error(
    `task ${id} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
  );
}
