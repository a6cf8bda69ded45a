/**
 * `jobproxy wait` long-polls (`state/{id}?wait=`) instead of polling every half second, and
 * still works against a server that ignores `?wait=`. A fake server scripts the answers.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const ID = '3f2a0000-0000-4000-8000-000000000001';

type Answer = (url: URL) => { code: string } | undefined;

/** A server that answers state requests from `answer` and records every URL asked. */
async function fakeServer(answer: Answer): Promise<{ url: string; asked: string[] }> {
  const asked: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url!, 'http://fake');
    asked.push(`${url.pathname}${url.search}`);
    const state = answer(url);
    if (!state) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ statusCode: 404, code: 'TASK_NOT_FOUND', message: 'no' }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: ID, description: 'd', ...state }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise((resolve) => server.close(resolve)));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return { url: `http://127.0.0.1:${address.port}`, asked };
}

function runWait(server: string): Promise<{ code: number | null; stdout: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('JOBPROXY_')),
  );
  const child = spawn(process.execPath, [MAIN, 'wait', ID, '--server', server, '--timeout', '60'], {
    env,
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout })));
}

test('jobproxy wait asks the server to answer when the state changes', async () => {
  let finished = false;
  const server = await fakeServer((url) => {
    if (url.pathname !== `/v1/jobproxy/state/${ID}`) return undefined;
    // The long-poll is where the task "finishes"; a plain state request never moves it.
    if (url.searchParams.has('wait')) finished = true;
    return { code: finished ? 'COMPLETE' : 'RUNNING' };
  });
  const run = await runWait(server.url);
  assert.equal(run.code, 0, run.stdout);
  assert.match(run.stdout, new RegExp(`${ID}\\s+COMPLETE`));
  const waits = server.asked.filter((url) => /[?&]wait=\d+ms$/.test(url));
  assert.equal(waits.length, 1, server.asked.join('\n'));
});

test('jobproxy wait still ends against a server that ignores ?wait=', async () => {
  let asked = 0;
  const server = await fakeServer((url) =>
    url.pathname === `/v1/jobproxy/state/${ID}`
      ? { code: ++asked >= 4 ? 'EXECUTOR_ERROR' : 'RUNNING' }
      : undefined,
  );
  const run = await runWait(server.url);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /EXECUTOR_ERROR/);
});
