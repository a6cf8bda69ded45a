/**
 * The compiled CLI run as a child process, as a user runs it. A server is started only where a
 * test needs one (serve, and the client round trip), on a free port, in a temp dir.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FRAMEWORKS } from '../backends/create-backend.js';
import { freePort } from '../core/testing/free-port.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end, with no JOBPROXY_* variables of the caller's environment. */
function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const child = spawnCli(args, env);
  return finished(child);
}

function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): ChildProcess {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('JOBPROXY_')),
  );
  return spawn(process.execPath, [MAIN, ...args], { env: { ...clean, ...env }, cwd });
}

function finished(child: ChildProcess): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Resolves once the server's log says it listens (or fails with what it printed). */
function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      if (seen.includes('listening on')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${seen}`)));
  });
}

test('-l lists every framework with the first sentence of its help', async () => {
  const run = await runCli(['-l']);
  assert.equal(run.code, 0);
  for (const framework of FRAMEWORKS) {
    const line = run.stdout.split('\n').find((l) => l.startsWith(framework.name));
    assert.ok(line, `no line for ${framework.name}`);
    assert.ok(line.includes(framework.help.split('. ')[0]));
  }
  assert.match(run.stdout, /^local \(default\) +Runs tasks on this machine/m);
  assert.match(run.stdout, /^gridengine \(also -f DRMAA\) +Runs tasks as Grid Engine jobs/m);
});

test('-h -f local prints the help and every option with its default and config key', async () => {
  const run = await runCli(['-h', '-f', 'local']);
  assert.equal(run.code, 0);
  const local = FRAMEWORKS.find((f) => f.name === 'local')!;
  for (const option of local.options) {
    const shown = option.default === '' ? 'no default' : `default ${String(option.default)}`;
    assert.ok(
      run.stdout.includes(`local.${option.key} (${shown}): `),
      `option ${option.key} missing from:\n${run.stdout}`,
    );
  }
  assert.ok(run.stdout.includes('JOBPROXY_LOCAL_CORES'));
});

test('-h -f with an unknown framework lists the names, exit 2', async () => {
  const run = await runCli(['-h', '-f', 'nomad']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /unknown framework "nomad"; the frameworks are: local/);
  assert.equal(run.stdout, '');
});

test('-h prints the general help with the subcommands and the old command line', async () => {
  const run = await runCli(['-h']);
  assert.equal(run.code, 0);
  for (const command of ['serve', 'submit', 'state', 'delete', 'wait', 'logs']) {
    assert.match(run.stdout, new RegExp(`^ {2}${command} `, 'm'));
  }
  assert.match(run.stdout, /jobproxy -f local -p jobproxy\.properties -debug -log INFO/);
  assert.match(
    run.stdout,
    /jobproxy -f DRMAA -p jobproxy\.properties -d +the same in the background/,
  );
});

test('a configuration error says what is wrong, exit 2, no stack trace', async () => {
  const run = await runCli(['-f', 'local', '-log', 'LOUD'], { JOBPROXY_LOCAL_CORES: 'x' });
  assert.equal(run.code, 2);
  assert.match(
    run.stderr,
    /local\.cores \(environment variable JOBPROXY_LOCAL_CORES\): expected a number/,
  );
  assert.match(run.stderr, /log \(flag --log\): expected one of trace, debug/);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
});

test('a client command with no server listening says how to start one, exit 2', async () => {
  const port = await freePort();
  const run = await runCli(['state'], { JOBPROXY_SERVER: `http://127.0.0.1:${port}` });
  assert.equal(run.code, 2);
  assert.equal(
    run.stderr,
    `jobproxy: cannot reach the JobProxy server at http://127.0.0.1:${port}: connect ECONNREFUSED ` +
      `127.0.0.1:${port}. Is it running? Start it with 'jobproxy serve' or set --server/JOBPROXY_SERVER.\n`,
  );
});

test('submit with neither a file nor a command says both ways, exit 2', async () => {
  const run = await runCli(['submit']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /jobproxy submit task\.json.*jobproxy submit -- echo hello/);
});

test('the old command line starts the server; SIGINT stops it, exit 0', async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const properties = join(dir, 'jobproxy.properties');
  writeFileSync(properties, `serveruri=http://127.0.0.1:${port}/\nworkdir=${dir}/work\n`);
  const server = spawnCli(['-f', 'Local', '-p', properties, '-debug', '-log', 'INFO'], {}, dir);
  t.after(() => server.kill('SIGKILL'));
  const done = finished(server);
  await listening(server);
  server.kill('SIGINT');
  assert.equal((await done).code, 0);
});

test('serve, then submit, wait and logs against it; SIGTERM stops it, exit 0', async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawnCli(['serve', '-u', `${url}/`, '--workdir', join(dir, 'work')], {}, dir);
  t.after(() => server.kill('SIGKILL'));
  const done = finished(server);
  await listening(server);
  const env = { JOBPROXY_SERVER: url };

  const submit = await runCli(['submit', '--', 'sh', '-c', 'echo hello from cli'], env);
  assert.equal(submit.code, 0, submit.stderr);
  const id = submit.stdout.trim();
  const wait = await runCli(['wait', id, '--timeout', '30'], env);
  assert.equal(wait.code, 0, wait.stderr);
  assert.match(wait.stdout, new RegExp(`^${id} +COMPLETE`, 'm'));
  const logs = await runCli(['logs', id], env);
  assert.equal(logs.stdout, 'hello from cli\n');
  const missing = await runCli(['state', 'no-such-task'], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^jobproxy: .*no-such-task/);

  server.kill('SIGTERM');
  assert.equal((await done).code, 0);
});
