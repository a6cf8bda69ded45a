/**
 * The API documents: the v1 OpenAPI (built from v1-schemas.ts) at /v1/jobproxy/openapi.json and
 * the GA4GH TES 1.1 spec (docs/specs/, as the project pins it, with the task components the
 * server validates with: tes/tes-openapi.ts) at /ga4gh/tes/v1/openapi.json, and the same as YAML
 * at /ga4gh/tes/v1/openapi.yaml. The browsable
 * pages are static (src/api/dashboard/).
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildV1OpenApi, V1_BASE } from './openapi-v1.js';
import { buildTesOpenApi } from './tes/tes-openapi.js';
import { toYaml } from './yaml-text.js';

/** Where the TES API lives (its spec's `servers` entry). */
export const TES_BASE = '/ga4gh/tes/v1';

/** The repository root is three levels above dist/src/api/. */
const REPO_ROOT = new URL('../../../', import.meta.url);

/** The pinned TES 1.1 document (docs/specs/tes-1.1.openapi.json, service-info schemas inlined). */
export function readTesOpenApi(): Record<string, unknown> {
  const url = new URL('docs/specs/tes-1.1.openapi.json', REPO_ROOT);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

function readVersion(): string {
  try {
    const text = readFileSync(new URL('package.json', REPO_ROOT), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Registers the two document routes; both are read once, at registration. */
/** The served OpenAPI documents, as a fastify plugin (app.register). */
export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  const v1 = JSON.stringify(buildV1OpenApi(readVersion()));
  const tesDocument = buildTesOpenApi(readTesOpenApi());
  const tes = JSON.stringify(tesDocument);
  const tesYaml = toYaml(tesDocument);
  app.get(`${V1_BASE}/openapi.json`, async (_request, reply) =>
    reply.type('application/json').send(v1),
  );
  app.get(`${TES_BASE}/openapi.json`, async (_request, reply) =>
    reply.type('application/json').send(tes),
  );
  // Listed as public by the auth hook; OpenAPI tooling often asks for the YAML form.
  app.get(`${TES_BASE}/openapi.yaml`, async (_request, reply) =>
    reply.type('application/yaml').send(tesYaml),
  );
}
