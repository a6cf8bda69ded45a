/**
 * The TES OpenAPI document JobProxy serves: the pinned GA4GH TES 1.1 spec
 * (docs/specs/tes-1.1.openapi.json) with its request components — tesTask, tesExecutor,
 * tesInput, tesOutput, tesResources — replaced by the published form of the schema the server
 * validates with (src/model/tes-task-schema.ts). The published form keeps the spec's descriptions,
 * examples and formats; ours add limits only (a test holds them to the spec's types). Everything
 * else of the pinned document stays as it is.
 */
import { withoutProblemAnnotations } from '../../model/schema-problems.js';
import { TES_TASK } from '../../model/tes-task-schema.js';

type Node = Record<string, unknown>;

/** What the spec says about a field that the published form keeps. */
const SPEC_WORDS = ['description', 'example', 'format', 'default'];

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const component = (name: string): Node => ({ $ref: `#/components/schemas/${name}` });

/** A named node (`publishAs`) below the one being published becomes a `$ref` to its component. */
function publishNode(node: Node, spec: Node | undefined, root: boolean): Node {
  if (!root && typeof node.publishAs === 'string') return component(node.publishAs);
  const out: Node = { ...node };
  if (isNode(node.properties)) {
    const specProperties = isNode(spec?.properties) ? spec.properties : {};
    out.properties = Object.fromEntries(
      Object.entries(node.properties).map(([key, value]) => [
        key,
        publishNode(value as Node, specProperties[key] as Node | undefined, false),
      ]),
    );
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    const inner = spec?.[key];
    if (isNode(node[key]))
      out[key] = publishNode(node[key], isNode(inner) ? inner : undefined, false);
  }
  for (const word of SPEC_WORDS) {
    if (spec?.[word] !== undefined && spec.$ref === undefined) out[word] = spec[word];
  }
  return withoutProblemAnnotations(out) as Node;
}

/** Every named node of `schema` (its own name included), by component name. */
export function namedSchemas(
  schema: unknown,
  found: Record<string, Node> = {},
): Record<string, Node> {
  if (Array.isArray(schema)) schema.forEach((item) => namedSchemas(item, found));
  if (!isNode(schema)) return found;
  if (typeof schema.publishAs === 'string' && !(schema.publishAs in found)) {
    found[schema.publishAs] = schema;
  }
  for (const value of Object.values(schema)) namedSchemas(value, found);
  return found;
}

/** The request components we publish: the named object schemas of the TES task (`schema`). */
export function publishedTesComponents(
  specSchemas: Node,
  schema: object = TES_TASK,
): Record<string, Node> {
  const named = Object.entries(namedSchemas(schema)).filter(
    ([, node]) => node.type === 'object' && isNode(node.properties),
  );
  return Object.fromEntries(
    named.map(([name, node]) => [
      name,
      publishNode(node, specSchemas[name] as Node | undefined, true),
    ]),
  );
}

/** `pinned` (the spec document) with our request components in place of the spec's. */
export function buildTesOpenApi(pinned: Node): Node {
  const document = structuredClone(pinned);
  const schemas = (document.components as Node).schemas as Node;
  Object.assign(schemas, publishedTesComponents(schemas));
  return document;
}
