/**
 * Two DELETEs of one running task at once (issue 11): the task is canceled once and removed
 * once; one answer is 204, the other 404 (as a later delete gets), and one audit line says done.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startTestServer, submitTask, waitForState } from '../helpers/test-server.js';

test('concurrent deletes: one 204, one 404, one cancel, one audit of the delete done', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const server = await startTestServer({
    logger: pino({ level: 'info' }, sink),
    frameworkOptions: { killGrace: 1 },
  });
  // Ignores SIGTERM: the cancel waits local.killGrace (1 s) for SIGKILL, so both deletes overlap.
  const id = await submitTask(server, { user: 'alice', cmd: "trap '' TERM; sleep 30" });
  await waitForState(server, id, (s) => s.code === 'RUNNING');
  const changes: string[] = [];
  server.service.events.on('change', (c: { id: string; to: string }) => {
    if (c.id === id) changes.push(c.to);
  });
  const answers = await Promise.all(
    [1, 2].map(() => fetch(`${server.url}/v1/jobproxy/delete/${id}`, { method: 'DELETE' })),
  );
  assert.deepEqual(answers.map((a) => a.status).sort(), [204, 404]);
  assert.deepEqual(changes, ['CANCELING', 'CANCELED']);
  const audits = lines.filter((l) => l.audit === true && l.action === 'delete');
  assert.equal(audits.filter((l) => l.outcome === 'done').length, 1);
  assert.equal((await fetch(`${server.url}/v1/jobproxy/state/${id}`)).status, 404);
});
