/**
 * Checks values against the v1 JSON schemas with the validator Fastify itself uses (its Ajv), set
 * to validate only: no type coercion, no defaults, no removal of unknown keys.
 */
import Fastify from 'fastify';
import { inlineRefs, V1_SCHEMAS } from '../../src/api/v1-schemas.js';

export interface SchemaChecker {
  /** undefined when `value` matches the named schema, else Ajv's complaint. */
  check(schema: string, value: unknown): Promise<string | undefined>;
  close(): Promise<void>;
}

export async function createSchemaChecker(): Promise<SchemaChecker> {
  const app = Fastify({
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: false,
        useDefaults: false,
        allErrors: true,
        // OpenAPI's `xml` (element names for XML bodies) is an annotation, not a rule.
        keywords: ['xml'],
      },
    },
  });
  for (const [name, schema] of Object.entries(V1_SCHEMAS)) {
    app.post(
      `/check/${name}`,
      { schema: { body: inlineRefs(schema) as object } },
      async () => 'ok',
    );
  }
  await app.ready();
  return {
    async check(schema, value) {
      if (!(schema in V1_SCHEMAS)) throw new Error(`no v1 schema ${schema}`);
      const response = await app.inject({
        method: 'POST',
        url: `/check/${schema}`,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(value),
      });
      return response.statusCode === 200 ? undefined : response.body;
    },
    close: () => app.close(),
  };
}
