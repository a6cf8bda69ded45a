/**
 * An operator's `tes.schemes` over HTTP: a URL whose scheme is off is a 400 naming the field, and
 * service-info's storage lists only what is on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startTestServer } from '../helpers/test-server.js';
import { tes, type Json } from './tes-client.js';

const server = await startTestServer({ containers: 'host', tesSchemes: ['file'] });
const work = server.config.workdir;

test('with tes.schemes=file, s3:// and https:// are refused with 400 naming the field', async () => {
  const answer = await tes(server, 'POST', '/tasks', {
    inputs: [
      { url: 's3://bucket/a', path: join(work, 'a') },
      { url: 'https://example.org/b', path: join(work, 'b') },
    ],
    outputs: [{ url: 's3://bucket/o', path: join(work, 'o') }],
    executors: [{ image: 'alpine', command: ['true'] }],
  });
  assert.equal(answer.status, 400);
  assert.deepEqual(
    (answer.body.details as Json[]).map((d) => [d.field, d.problem]),
    [
      [
        'inputs[0].url',
        'the s3 scheme is switched off on this server (tes.schemes); use file:// or an absolute path',
      ],
      [
        'inputs[1].url',
        'the https scheme is switched off on this server (tes.schemes); use file:// or an absolute path',
      ],
      [
        'outputs[0].url',
        'the s3 scheme is switched off on this server (tes.schemes); use file:// or an absolute path',
      ],
    ],
  );
});

test('service-info storage lists the roots only', async () => {
  const answer = await tes(server, 'GET', '/service-info');
  assert.deepEqual(answer.body.storage, [pathToFileURL(work).href]);
});
