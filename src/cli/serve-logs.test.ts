/**
 * What `jobproxy serve` prints: JSON lines when stdout is not a terminal, human-readable lines on
 * a terminal (a pseudo-terminal from script(1)), and `-log` levels that hold back lower lines.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../core/testing/free-port.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/** serve's arguments on a free port, in a fresh directory removed after the test. */
async function serveArgs(t: TestContext, level: string): Promise<{ args: string[]; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-logs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const where = ['-u', `http://127.0.0.1:${port}/`, '--state', join(dir, 's')];
  return { args: ['serve', ...where, '--workdir', join(dir, 'w'), '-log', level], port };
}

function start(
  t: TestContext,
  file: string,
  args: string[],
): { child: ChildProcess; out: () => string } {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('JOBPROXY_')),
  );
  // Its own process group, so that script(1) and the server under it end together.
  const child = spawn(file, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  t.after(() => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  });
  return { child, out: () => out };
}

/** Waits until the server answers HTTP at all (whatever it logs). */
async function answers(port: number, out: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/v1/jobproxy/state`).then(
      () => true,
      () => false,
    );
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`the server did not answer; it printed: ${out()}`);
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.on('close', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
}

function jsonLines(text: string): { level: number; msg: string }[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { level: number; msg: string });
}

test('stdout not a terminal: JSON lines, one a line, info included at -log info', async (t) => {
  const { args, port } = await serveArgs(t, 'info');
  const { child, out } = start(t, process.execPath, [MAIN, ...args]);
  await answers(port, out);
  await stop(child);
  const lines = jsonLines(out());
  const listening = lines.find((l) => l.msg.startsWith('jobproxy listening on'));
  assert.ok(listening, `no listening line in: ${out()}`);
  assert.equal(listening.level, 30);
});

test('-log warn holds back info lines', async (t) => {
  const { args, port } = await serveArgs(t, 'warn');
  const { child, out } = start(t, process.execPath, [MAIN, ...args]);
  await answers(port, out);
  await stop(child);
  const lines = jsonLines(out());
  assert.deepEqual(
    lines.filter((l) => l.level < 40),
    [],
    'no trace, debug or info line at -log warn',
  );
  assert.ok(!out().includes('listening on'));
});

test('stdout a terminal: human-readable lines, not JSON', async (t) => {
  const { args, port } = await serveArgs(t, 'info');
  const command = [process.execPath, MAIN, ...args].map((w) => `'${w}'`).join(' ');
  const { child, out } = start(t, 'script', ['-qfec', command, '/dev/null']);
  await answers(port, out);
  for (let i = 0; i < 100 && !out().includes('listening on'); i++) await sleep(50);
  await stop(child);
  // eslint-disable-next-line no-control-regex -- colours: the terminal's escape sequences
  const plain = out().replace(/\x1b\[[0-9;]*m/g, '');
  const line = plain.split(/\r?\n/).find((l) => l.includes('jobproxy listening on'));
  assert.ok(line, `no listening line in: ${plain}`);
  assert.match(line, /^\[[^\]]+\] INFO \(\d+\): jobproxy listening on http:\/\/127\.0\.0\.1:\d+/);
  assert.ok(!line.trimStart().startsWith('{'), 'not JSON');
});
