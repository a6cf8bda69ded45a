/**
 * The first JobProxy's clients, replayed: one table of the request shapes its Java clients and
 * start scripts used (Jackson's nulls, cmd as a one-element list, helloworld.xml, the Accept
 * headers of specs/jobproxy-original-swagger.yaml and Java's default one, the listing with a
 * trailing slash) sent over real HTTP to a real server on the local framework, each run to its
 * end; and one table of its command-line forms (-d, -f DRMAA, -l, -h -f X) run with the built
 * binary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FRAMEWORKS } from '../../src/backends/create-backend.js';
import { SERVER_MALLOC_ARENA_MAX, SERVER_NODE_FLAGS } from '../../src/cli/server-runtime.js';
import { startTestServer, tempDir, waitForState } from '../helpers/test-server.js';
import { setTimeout as sleep } from 'node:timers/promises';

const server = await startTestServer();
const HELLOWORLD = readFileSync(
  new URL('../../../test/api/fixtures/jobproxy-original-helloworld.xml', import.meta.url),
  'utf8',
);
/** What java.net.HttpURLConnection sends when a client sets no Accept. */
const JAVA_DEFAULT_ACCEPT = 'text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2';

interface Row {
  name: string;
  contentType: string;
  accept?: string;
  body: string;
  /** The answer's type, and what the finished task printed. */
  answers: RegExp;
  stdout: string;
}

const jackson = (task: object): string => JSON.stringify(task);
const SUBMITS: Row[] = [
  {
    name: 'Jackson: every absent field null, cmd a one-element list',
    contentType: 'application/json',
    accept: 'text/plain',
    body: jackson({
      user: 'jkrueger',
      cores: null,
      memory: null,
      cputime: null,
      stdout: null,
      stderr: null,
      cmd: ['/bin/echo hello world'],
      container: null,
    }),
    answers: /^text\/plain/,
    stdout: 'hello world\n',
  },
  {
    name: 'Jackson with limits set and a one-element list using the shell',
    contentType: 'application/json; charset=UTF-8',
    accept: 'text/plain',
    body: jackson({
      user: 'jkrueger',
      cores: 1,
      memory: 128,
      cputime: 10,
      stdout: null,
      stderr: null,
      cmd: ['echo one; echo two'],
      container: null,
    }),
    answers: /^text\/plain/,
    stdout: 'one\ntwo\n',
  },
  {
    name: 'two or more elements stay argv (no shell)',
    contentType: 'application/json',
    accept: 'text/plain',
    body: jackson({ user: 'jkrueger', cmd: ['/bin/echo', '$HOME', 'a;b'], container: null }),
    answers: /^text\/plain/,
    stdout: '$HOME a;b\n',
  },
  {
    name: 'helloworld.xml as application/xml',
    contentType: 'application/xml',
    accept: 'text/plain',
    body: HELLOWORLD,
    answers: /^text\/plain/,
    stdout: 'Hello World!\n',
  },
  {
    name: 'helloworld.xml as text/xml, Java default Accept',
    contentType: 'text/xml',
    accept: JAVA_DEFAULT_ACCEPT,
    body: HELLOWORLD,
    answers: /^text\/plain/,
    stdout: 'Hello World!\n',
  },
  {
    name: 'no Accept at all',
    contentType: 'application/json',
    body: jackson({ user: 'jkrueger', cmd: ['/bin/echo no accept'], stdout: null }),
    answers: /^text\/plain/,
    stdout: 'no accept\n',
  },
];

const submitted: { row: Row; id: string }[] = [];

for (const row of SUBMITS) {
  test(`submit: ${row.name}`, async () => {
    const headers: Record<string, string> = { 'content-type': row.contentType };
    if (row.accept) headers.accept = row.accept;
    const response = await fetch(`${server.url}/v1/jobproxy/submit`, {
      method: 'POST',
      headers,
      body: row.body,
    });
    const id = await response.text();
    assert.equal(response.status, 200, id);
    assert.match(response.headers.get('content-type') ?? '', row.answers);
    const state = await waitForState(server, id);
    assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
    assert.equal(state.stdout, row.stdout);
    submitted.push({ row, id });
  });
}

const READS: { name: string; path: string; accept: string; answers: RegExp; shows: RegExp }[] = [
  {
    name: 'one state as JSON',
    path: 'state/{id}',
    accept: 'application/json',
    answers: /^application\/json/,
    shows: /"code":"COMPLETE"/,
  },
  {
    name: 'one state as XML',
    path: 'state/{id}',
    accept: 'application/xml',
    answers: /^application\/xml/,
    shows: /^<\?xml[^>]*>\s*<state><id>[^<]+<\/id><code>COMPLETE<\/code>/,
  },
  {
    name: 'one state, Java default Accept',
    path: 'state/{id}',
    accept: JAVA_DEFAULT_ACCEPT,
    answers: /^application\/json/,
    shows: /"code":"COMPLETE"/,
  },
  {
    name: 'the listing with a trailing slash, JSON',
    path: 'state/',
    accept: 'application/json',
    answers: /^application\/json/,
    shows: /^\{"state":\[\{"id":"{id}"/,
  },
  {
    name: 'the listing with a trailing slash, XML',
    path: 'state/',
    accept: 'application/xml',
    answers: /^application\/xml/,
    shows: /<states><state><id>{id}<\/id>/,
  },
  {
    name: 'the listing without it, XML',
    path: 'state',
    accept: 'application/xml',
    answers: /^application\/xml/,
    shows: /<states><state><id>{id}<\/id>/,
  },
];

for (const read of READS) {
  test(`read: ${read.name}`, async () => {
    const first = submitted[0];
    assert.ok(first, 'the submits ran first');
    const response = await fetch(
      `${server.url}/v1/jobproxy/${read.path.replace('{id}', first.id)}`,
      { headers: { accept: read.accept } },
    );
    const text = await response.text();
    assert.equal(response.status, 200, text);
    assert.match(response.headers.get('content-type') ?? '', read.answers);
    assert.match(text, new RegExp(read.shows.source.replace('{id}', first.id)));
  });
}

test('delete with the text/plain content type the original declared, no body → 204', async () => {
  const last = submitted.at(-1);
  assert.ok(last);
  const response = await fetch(`${server.url}/v1/jobproxy/delete/${last.id}`, {
    method: 'DELETE',
    headers: { 'content-type': 'text/plain' },
  });
  assert.equal(response.status, 204);
  const gone = await fetch(`${server.url}/v1/jobproxy/state/${last.id}`);
  assert.equal(gone.status, 404);
});

// --- the command line, run with the built binary ---

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const hasKubernetes = FRAMEWORKS.some((f) => f.name === 'kubernetes');

interface Run {
  code: number | null;
  out: string;
  /** The file stdout and stderr go to (a daemon goes on writing its log there). */
  file: string;
}

/** Runs the CLI with stdout and stderr into one file (a daemon keeps it open), to its exit. */
function runCli(args: string[], cwd: string): Promise<Run> {
  const file = join(cwd, `out-${Date.now()}-${Math.random()}.log`);
  const fd = openSync(file, 'w');
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('JOBPROXY_')),
  );
  const child = spawn(process.execPath, [MAIN, ...args], { cwd, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return new Promise((resolve) =>
    child.on('exit', (code) => resolve({ code, out: readFileSync(file, 'utf8'), file })),
  );
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  assert.ok(address && typeof address === 'object');
  return address.port;
}

/** Stops a daemon the test started, by its pid, and waits until it has gone. */
async function stopDaemon(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.replace(/^.*\) /s, '')[0] === 'Z') return;
    } catch {
      return;
    }
    await sleep(100);
  }
  throw new Error(`daemon ${pid} did not stop`);
}

const HELP_FORMS: { args: string[]; code: number; out: RegExp }[] = [
  { args: ['-l'], code: 0, out: /^local \(default\) .*\n(.*\n)*gridengine \(also -f DRMAA\) /m },
  { args: ['-h', '-f', 'DRMAA'], code: 0, out: /^gridengine\n/ },
  { args: ['-h', '-f', 'drmaa'], code: 0, out: /^gridengine\n/ },
  { args: ['-h', '-f', 'Local'], code: 0, out: /^local \(the default framework\)/ },
  { args: ['-h', '-f', 'SLURM'], code: 0, out: /^slurm\n/ },
  hasKubernetes
    ? { args: ['-h', '-f', 'Kubernetes'], code: 0, out: /^kubernetes\n/ }
    : { args: ['-h', '-f', 'Kubernetes'], code: 2, out: /unknown framework "kubernetes"/ },
  { args: ['-h', '-f', 'Nomad'], code: 2, out: /unknown framework "nomad"/ },
];

for (const form of HELP_FORMS) {
  test(`jobproxy ${form.args.join(' ')} → exit ${form.code}`, async () => {
    const run = await runCli(form.args, tempDir());
    assert.equal(run.code, form.code, run.out);
    assert.match(run.out, form.out);
  });
}

/** Starts `jobproxy …args -d`; returns its pid and URL and the CLI's output, stopped after. */
async function startDaemon(
  args: string[],
  dir: string,
  after: (fn: () => Promise<void>) => void,
): Promise<{ pid: number; url: string; run: Run }> {
  const run = await runCli(args, dir);
  assert.equal(run.code, 0, run.out);
  const match = /started in the background, pid (\d+), listening on (\S+)/.exec(run.out);
  assert.ok(match, run.out);
  const pid = Number(match[1]);
  after(() => stopDaemon(pid));
  return { pid, url: match[2]!, run };
}

const DAEMON_FORMS: { name: string; args: (props: string) => string[]; framework: string }[] = [
  {
    name: '-f DRMAA -p FILE -d',
    args: (p) => ['-f', 'DRMAA', '-p', p, '-d'],
    framework: 'gridengine',
  },
  {
    name: '-f Local -p FILE -d -log INFO',
    args: (p) => ['-f', 'Local', '-p', p, '-d', '-log', 'INFO'],
    framework: 'local',
  },
  {
    name: 'framework=DRMAA in the file, -d',
    args: (p) => ['-p', `${p}.drmaa`, '-d'],
    framework: 'gridengine',
  },
];

for (const form of DAEMON_FORMS) {
  test(`jobproxy ${form.name}: in the background, pid and URL printed, exit 0 once it listens`, async (t) => {
    const dir = tempDir();
    // Grid Engine jobs run as nobody, who must pass through to the work directory.
    chmodSync(dir, 0o711);
    const port = await freePort();
    const props = join(dir, 'jobproxy.properties');
    writeFileSync(props, `serveruri=http://127.0.0.1:${port}/\nworkdir=${dir}/work\n`);
    writeFileSync(
      `${props}.drmaa`,
      `framework=DRMAA\nserveruri=http://127.0.0.1:${port}/\nworkdir=${dir}/work\n`,
    );
    const daemon = await startDaemon(form.args(props), dir, (fn) => t.after(fn));
    assert.equal(daemon.url, `http://127.0.0.1:${port}`);
    // It answers after the command has exited, on the framework the name meant.
    const ping = await fetch(`${daemon.url}/v1/jobproxy/ping`);
    assert.match(await ping.text(), /^alive \(/);
    const info = (await (await fetch(`${daemon.url}/ga4gh/tes/v1/service-info`)).json()) as {
      description: string;
    };
    assert.match(info.description, new RegExp(`on the ${form.framework} framework`));
    // The background server runs with the server's runtime settings (src/cli/server-runtime.ts).
    const argv = readFileSync(`/proc/${daemon.pid}/cmdline`, 'utf8').split('\0');
    for (const flag of SERVER_NODE_FLAGS) assert.ok(argv.includes(flag), argv.join(' '));
    const env = readFileSync(`/proc/${daemon.pid}/environ`, 'utf8').split('\0');
    assert.ok(env.includes(`MALLOC_ARENA_MAX=${SERVER_MALLOC_ARENA_MAX}`));
  });
}

test('-d when the server cannot start: its reason, and exit 2', async (t) => {
  const dir = tempDir();
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const run = await runCli(
    ['-f', 'Local', '-u', `http://127.0.0.1:${port}/`, '--workdir', join(dir, 'w'), '-d'],
    dir,
  );
  assert.equal(run.code, 2, run.out);
  assert.match(run.out, /the address is in use/);
  assert.match(run.out, /the server did not start/);
});

test('request bodies are logged with -debug only, never at -log trace without it', async (t) => {
  const marker = `body-marker-${process.pid}`;
  for (const [debug, logged] of [
    [false, false],
    [true, true],
  ] as const) {
    const dir = tempDir();
    const port = await freePort();
    const args = ['-f', 'local', '-u', `http://127.0.0.1:${port}/`, '--workdir', join(dir, 'w')];
    args.push('-log', 'trace', '-d', ...(debug ? ['-debug'] : []));
    const daemon = await startDaemon(args, dir, (fn) => t.after(fn));
    const response = await fetch(`${daemon.url}/v1/jobproxy/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'u', cmd: `echo ${marker}` }),
    });
    assert.equal(response.status, 200);
    await stopDaemon(daemon.pid);
    const logs = readFileSync(daemon.run.file, 'utf8');
    assert.equal(logs.includes(marker), logged, `-debug ${debug}: ${logs.slice(-2000)}`);
    if (debug) assert.match(logs, /"msg":"request"/);
  }
});
