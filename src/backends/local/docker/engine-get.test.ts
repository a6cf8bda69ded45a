import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { engineGet } from './engine-get.js';
import { engineReason, engineStatus, isEngineUnreachable } from './engine.js';

// A stand-in engine on a unix socket: this tests our HTTP handling, the real one is in e2e/docker.
const dir = mkdtempSync(join(tmpdir(), 'engine-get-'));
const socketPath = join(dir, 'engine.sock');
let server: Server;

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/version') return res.end('{"Version":"1.2.3"}');
    if (req.url === '/slow') return; // never answers
    res.statusCode = 404;
    res.end('{"message":"page not found"}');
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});

after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a 2xx answer resolves to its parsed JSON', async () => {
  assert.deepEqual(await engineGet(socketPath, '/version', { timeoutMs: 2000 }), {
    Version: '1.2.3',
  });
});

test("another status rejects with statusCode and the engine's message, as dockerode does", async () => {
  const error = await engineGet(socketPath, '/nope', { timeoutMs: 2000 }).catch((e: unknown) => e);
  assert.equal(engineStatus(error), 404);
  assert.equal(engineReason(error), 'page not found');
});

test('a missing socket rejects as unreachable', async () => {
  const missing = join(dir, 'missing.sock');
  const error = await engineGet(missing, '/version', { timeoutMs: 2000 }).catch((e: unknown) => e);
  assert.equal((error as { code?: string }).code, 'ENOENT');
  assert.ok(isEngineUnreachable(error));
});

test('an engine that does not answer fails after the timeout, as unreachable', async () => {
  const error = await engineGet(socketPath, '/slow', { timeoutMs: 200 }).catch((e: unknown) => e);
  assert.ok(isEngineUnreachable(error), String(error));
});

test('an aborted signal ends the call', async () => {
  const signal = AbortSignal.timeout(100);
  const error = await engineGet(socketPath, '/slow', { timeoutMs: 5000, signal }).catch(
    (e: unknown) => e,
  );
  assert.ok(error instanceof Error);
});
