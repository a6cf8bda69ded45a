/**
 * Every route the server registers is documented in the v1 or the TES OpenAPI document (or is
 * one of the few pages that are not API), and every documented operation exists. The TES JSON the
 * server serves is the pinned YAML spec, converted.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { RouteOptions } from 'fastify';
import { parse as parseYaml } from 'yaml';
import type { YamlValue } from '../tes/derive-schemas.js';
import { parseWait } from '../../src/api/events-routes.js';
import { buildStubServer } from './stub-service.js';

/** Routes that are pages or scrapes, not API operations. */
const NOT_API = new Set([
  'GET /',
  'GET /dashboard/{}',
  'GET /metrics',
  'GET /v1/jobproxy/docs',
  'GET /ga4gh/tes/v1/docs',
  'GET /ga4gh/tes/v1/openapi.json',
  'GET /ga4gh/tes/v1/openapi.yaml',
]);

/**
 * Compatibility aliases for older clients: on purpose in neither document (they are not part of
 * the API), each documented in the docs file named here, under the path written in it.
 */
const COMPATIBILITY_ALIASES: Record<string, { doc: string; path: string }> = {
  'GET /v1/jobproxy/state/': { doc: 'api.md', path: '/v1/jobproxy/state/' },
  'GET /v1/tasks/service-info': { doc: 'tes.md', path: '/v1/tasks/service-info' },
  'GET /v1/tasks': { doc: 'tes.md', path: '/v1/tasks' },
  'POST /v1/tasks': { doc: 'tes.md', path: '/v1/tasks' },
  'GET /v1/tasks/{}': { doc: 'tes.md', path: '/v1/tasks/{id}' },
  'POST /v1/tasks/{}:cancel': { doc: 'tes.md', path: '/v1/tasks/{id}:cancel' },
};
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** `/tasks/:id(^[^/:]+)::cancel` → `/tasks/{}:cancel` (Fastify's `::` is a literal colon). */
function fastifyPath(url: string): string {
  return url
    .replaceAll('::', '\u0000')
    .replace(/:[A-Za-z0-9_]+(\([^)]*\))?/g, '{}')
    .replaceAll('\u0000', ':');
}

interface OpenApi {
  servers?: { url: string }[];
  paths: Record<string, Record<string, unknown>>;
}

/** "METHOD /full/path/{}" of every operation of a document. */
function documented(spec: OpenApi): string[] {
  const base = spec.servers?.[0]?.url ?? '';
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => METHODS.includes(method))
      .map((method) => `${method.toUpperCase()} ${base}${path.replace(/\{[^}]+\}/g, '{}')}`),
  );
}

test('every registered route is documented, and every documented operation is routed', async () => {
  const routes: string[] = [];
  const record = (route: RouteOptions): void => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push(`${method} ${fastifyPath(route.url)}`);
    }
  };
  const { app } = await buildStubServer({ onRoute: record });
  const fetchDoc = async (url: string): Promise<OpenApi> =>
    (await app.inject({ method: 'GET', url })).json() as OpenApi;
  const operations = new Set([
    ...documented(await fetchDoc('/v1/jobproxy/openapi.json')),
    ...documented(await fetchDoc('/ga4gh/tes/v1/openapi.json')),
  ]);
  assert.ok(routes.length > 10, `only ${routes.length} routes seen`);
  const undocumented = routes.filter(
    (r) => !operations.has(r) && !NOT_API.has(r) && !(r in COMPATIBILITY_ALIASES),
  );
  assert.deepEqual(undocumented, [], 'routes missing from both OpenAPI documents');
  const unrouted = [...operations].filter((operation) => !routes.includes(operation));
  assert.deepEqual(unrouted, [], 'documented operations the server does not have');
});

test('every compatibility alias is routed and documented in docs/', async () => {
  const routes: string[] = [];
  const record = (route: RouteOptions): void => {
    for (const method of [route.method].flat()) routes.push(`${method} ${fastifyPath(route.url)}`);
  };
  await buildStubServer({ onRoute: record });
  for (const [route, { doc, path }] of Object.entries(COMPATIBILITY_ALIASES)) {
    assert.ok(routes.includes(route), `${route} is not routed`);
    const text = readFileSync(new URL(`../../../docs/${doc}`, import.meta.url), 'utf8');
    assert.ok(text.includes(path), `docs/${doc} does not mention ${path} (${route})`);
  }
});

test('the v1 document resolves every $ref and declares OpenAPI 3.1', async () => {
  const { app } = await buildStubServer();
  const spec = (await app.inject({ method: 'GET', url: '/v1/jobproxy/openapi.json' })).json() as {
    openapi: string;
    components: { schemas: Record<string, unknown> };
  };
  assert.equal(spec.openapi, '3.1.0');
  const refs = JSON.stringify(spec).match(/"\$ref":"[^"]+"/g) ?? [];
  assert.ok(refs.length > 10);
  for (const ref of refs) {
    const name = /#\/components\/schemas\/([^"]+)"/.exec(ref)?.[1];
    assert.ok(name && name in spec.components.schemas, `unresolved ${ref}`);
  }
});

test('the served TES document is the pinned YAML spec with service-info inlined', () => {
  const read = (file: string): string =>
    readFileSync(new URL(`../../../docs/specs/${file}`, import.meta.url), 'utf8');
  const tes = parseYaml(read('tes-1.1.openapi.yaml')) as { [key: string]: YamlValue };
  const serviceInfo = parseYaml(read('ga4gh-service-info-1.0.0.yaml')) as {
    components: { schemas: Record<string, YamlValue> };
  };
  // The one remote $ref points into the service-info file: make it local, bring its schemas.
  const text = JSON.stringify(tes).replaceAll('"ga4gh-service-info-1.0.0.yaml#/', '"#/');
  const expected = JSON.parse(text) as { components: { schemas: Record<string, YamlValue> } };
  Object.assign(expected.components.schemas, serviceInfo.components.schemas);
  assert.deepEqual(JSON.parse(read('tes-1.1.openapi.json')), expected);
});

test('v1 XML bodies are named on their schemas (<task>, <state>, <states>, <id>), never on a media type', async () => {
  const { app } = await buildStubServer();
  const spec = (await app.inject({ method: 'GET', url: '/v1/jobproxy/openapi.json' })).json() as {
    components: { schemas: Record<string, { xml?: { name: string } }> };
    paths: Record<string, Record<string, unknown>>;
  };
  const { schemas } = spec.components;
  assert.equal(schemas.Task?.xml?.name, 'task');
  assert.equal(schemas.State?.xml?.name, 'state');
  assert.equal(schemas.States?.xml?.name, 'states');
  assert.equal(schemas.SubmitAnswerXml?.xml?.name, 'id');
  // An `xml` beside a $ref, or on a media-type object, is ignored by generators.
  const misplaced: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if ('xml' in record && ('$ref' in record || 'schema' in record)) misplaced.push(path);
    for (const [key, item] of Object.entries(record)) walk(item, `${path}.${key}`);
  };
  walk(spec.paths, 'paths');
  assert.deepEqual(misplaced, []);
  const submit = spec.paths['/submit']!.post as {
    requestBody: { content: Record<string, { schema: { $ref: string } }> };
  };
  for (const type of ['application/xml', 'text/xml']) {
    assert.equal(submit.requestBody.content[type]!.schema.$ref, '#/components/schemas/Task');
  }
});

test("the wait parameter's pattern accepts exactly what the server accepts", async () => {
  const { app } = await buildStubServer();
  const spec = (await app.inject({ method: 'GET', url: '/v1/jobproxy/openapi.json' })).json() as {
    paths: Record<string, { get: { parameters: { name: string; schema: { pattern: string } }[] } }>;
  };
  const wait = spec.paths['/state/{id}']!.get.parameters.find((p) => p.name === 'wait')!;
  const pattern = new RegExp(wait.schema.pattern, 'u');
  const values = [
    '30s',
    '500ms',
    '500 MS',
    '1m',
    '1min',
    '2h',
    '1d',
    '10',
    '1.5s',
    ' 5 s ',
    '30 sec',
  ];
  const refused = ['soon', '-1s', '1y', '', 's', '1e3', '5 parsecs', '1.s', 'ms'];
  for (const value of [...values, ...refused]) {
    let byServer = true;
    try {
      parseWait(value);
    } catch {
      byServer = false;
    }
    assert.equal(pattern.test(value), byServer, `"${value}": pattern and server disagree`);
    assert.equal(byServer, values.includes(value), `"${value}": the corpus says otherwise`);
  }
});
