/**
 * The v1 answers have one source (src/api/v1-answer-schemas.ts): the served OpenAPI document holds
 * exactly those schemas. Serialising the server's real answers through them with fastify's
 * response serialiser (fast-json-stringify) keeps the bytes of a listing and of an error, but not
 * of a single State: the serialiser writes required fields first, and a State writes its optional
 * stdout/stderr before user, framework and created (the first implementation's XSD order). So the
 * routes keep serialising with JSON.stringify. (That the answers match the schemas at all is
 * v1-schemas.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { buildV1OpenApi } from '../../src/api/openapi-v1.js';
import * as answers from '../../src/api/v1-answer-schemas.js';
import { inlineRefs } from '../../src/api/v1-schemas.js';
import { startTestServer, submitTask, waitForState } from '../helpers/test-server.js';

const COMPONENTS: Record<string, object> = {
  SubmitAnswer: answers.V1_SUBMIT_ANSWER,
  SubmitAnswerXml: answers.V1_SUBMIT_ANSWER_XML,
  State: answers.V1_STATE,
  States: answers.V1_STATES,
  StateEntry: answers.V1_STATE_ENTRY,
  Detail: answers.V1_DETAIL,
  Overview: answers.V1_OVERVIEW,
  StateEvent: answers.V1_STATE_EVENT,
  DeletedEvent: answers.V1_DELETED_EVENT,
  Error: answers.V1_ERROR,
};

test('the served v1 document publishes the answer schemas of their one source', () => {
  const served = buildV1OpenApi('test') as { components: { schemas: Record<string, unknown> } };
  for (const [name, schema] of Object.entries(COMPONENTS)) {
    assert.deepEqual(served.components.schemas[name], JSON.parse(JSON.stringify(schema)), name);
  }
});

/** Serialises a value through a fastify route whose response schema is the named answer. */
async function serialiser(): Promise<(schema: string, value: unknown) => Promise<string>> {
  const app = Fastify();
  for (const name of ['State', 'States', 'Detail', 'Error']) {
    const schema = inlineRefs(COMPONENTS[name]) as object;
    app.post(
      `/echo/${name}`,
      { schema: { response: { 200: schema } } },
      async (request) => request.body,
    );
  }
  await app.ready();
  return async (schema, value) => {
    const answer = await app.inject({
      method: 'POST',
      url: `/echo/${schema}`,
      payload: value as object,
    });
    return answer.body;
  };
}

test('through the answer schemas a listing and an error keep their bytes, a single State would not', async () => {
  const server = await startTestServer();
  const v1 = `${server.url}/v1/jobproxy`;
  const text = async (path: string, init: RequestInit = {}) =>
    (await fetch(`${v1}${path}`, { ...init, headers: { accept: 'application/json' } })).text();
  const done = await submitTask(server, { user: 'alice', cmd: 'echo "hi \\"there\\" ✓"; exit 2' });
  const running = await submitTask(server, { user: 'bob', cmd: 'sleep 30' });
  await waitForState(server, done);
  await waitForState(server, running, (s) => s.code === 'RUNNING');
  const serialise = await serialiser();
  const kept: [string, string][] = [
    ['States', await text('/state')],
    ['Error', await text('/state/no-such-task')],
    ['Error', await text(`/state/${done}?wait=soon`)],
  ];
  for (const [schema, bytes] of kept) {
    assert.equal(await serialise(schema, JSON.parse(bytes)), bytes, schema);
  }
  for (const bytes of [await text(`/state/${done}`), await text(`/state/${running}`)]) {
    const serialised = await serialise('State', JSON.parse(bytes));
    assert.deepEqual(JSON.parse(serialised), JSON.parse(bytes), 'the same answer');
    assert.notEqual(serialised, bytes, 'in another key order');
  }
});
