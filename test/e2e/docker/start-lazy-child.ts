/**
 * Child process of lazy-modules.test.ts: starts a real server (local framework, `containers:
 * auto`, s3 staging on) in a fresh process, so that the modules it loads are its own, and prints
 * one JSON line: the resolved container mode, the TES service-info storage list, and which
 * heavy packages were loaded at start and after one container task ran.
 *
 *   node dist/test/e2e/docker/start-lazy-child.js DIR DOCKER_SOCKET IMAGE
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pino } from 'pino';
import { frameworkDefaults } from '../../../src/backends/create-backend.js';
import { DEFAULT_CONFIG, type Config } from '../../../src/config/config.js';
import { startServer } from '../../../src/server.js';

/** The packages a server must not load before it needs them. */
export const LAZY_PACKAGES = ['dockerode', 'docker-modem', 'ssh2', '@grpc/grpc-js', '@aws-sdk'];

function loadedLazyPackages(): string[] {
  const cache = createRequire(import.meta.url).cache;
  const found = new Set<string>();
  for (const path of Object.keys(cache)) {
    for (const name of LAZY_PACKAGES) if (path.includes(`/node_modules/${name}/`)) found.add(name);
  }
  return [...found].sort();
}

function config(dir: string, dockerSocket: string): Config {
  const defaults = frameworkDefaults('local');
  return {
    ...DEFAULT_CONFIG,
    serveruri: 'http://127.0.0.1:0/',
    state: join(dir, 'state'),
    store: join(dir, 'jobproxy.db'),
    workdir: join(dir, 'work'),
    log: 'silent',
    containers: 'auto',
    frameworks: { local: { ...defaults, runAs: 'root', dockerSocket } },
  };
}

async function call(url: string, body?: unknown): Promise<string> {
  const answer = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}: ${text}`);
  return text;
}

const TERMINAL = ['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED'];

/** Submits one container task and resolves to its end state (the v1 `code`). */
async function runContainerTask(url: string, image: string): Promise<string> {
  const task = { user: 'lazy-test', container: { image, cmd: 'true' } };
  const { id } = JSON.parse(await call(`${url}/v1/jobproxy/submit`, task)) as { id: string };
  const deadline = Date.now() + 30_000;
  for (let code = ''; Date.now() < deadline;) {
    ({ code } = JSON.parse(await call(`${url}/v1/jobproxy/state/${id}?wait=5s`)) as {
      code: string;
    });
    if (TERMINAL.includes(code)) return code;
  }
  return 'still running after 30 s';
}

async function main(): Promise<void> {
  const [dir, dockerSocket, image] = process.argv.slice(2);
  // The test runner runs every file under test/, this one too, with no arguments: nothing to do.
  if (!dir || !dockerSocket || !image) {
    process.stderr.write('start-lazy-child: run by lazy-modules.test.ts with DIR SOCKET IMAGE\n');
    return;
  }
  const server = await startServer(config(dir, dockerSocket), pino({ level: 'silent' }));
  try {
    const atStart = loadedLazyPackages();
    const info = JSON.parse(await call(`${server.url}/ga4gh/tes/v1/service-info`)) as unknown;
    const taskState = await runContainerTask(server.url, image);
    console.log(JSON.stringify({ info, atStart, taskState, afterTask: loadedLazyPackages() }));
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
