/**
 * The field tables of docs/tes.md, generated from the TES task schema the server validates with
 * (src/model/tes-task-schema.ts): field, type, the limits JobProxy adds to the spec, and what
 * the field does here. docs-tables.ts writes them between their markers.
 */
import {
  TES_EXECUTOR,
  TES_INPUT,
  TES_OUTPUT,
  TES_RESOURCES,
  TES_TASK,
} from '../../model/tes-task-schema.js';

type Node = Record<string, unknown>;

const patternsOf = (node: Node): unknown[] =>
  ((node.allOf ?? []) as Node[]).map((part) => part.pattern);

/** The docs' word for a field's type. */
function typeOf(node: Node): string {
  if (typeof node.publishAs === 'string' && node.type === 'object') return node.publishAs;
  if (Array.isArray(node.enum)) {
    return node.readOnly ? 'tesState' : node.enum.map((v) => `\`${String(v)}\``).join(' or ');
  }
  if (node.type === 'array') {
    const item = typeOf(node.items as Node);
    return `list of ${item === 'string' || item === 'absolute path' ? `${item}s` : item}`;
  }
  if (node.type === 'object') return 'object of strings';
  if (node.type === 'integer') return 'whole number';
  if (node.type === 'boolean') return 'true or false';
  if (node.type === 'string' && patternsOf(node).includes('^/')) return 'absolute path';
  return String(node.type ?? 'any');
}

/** What JobProxy adds to the spec's type: lengths, counts, bounds, forbidden characters. */
function limitsOf(node: Node): string {
  const limits: string[] = [];
  if (node.readOnly) return 'ignored when sent';
  if (typeof node.minItems === 'number') limits.push(`at least ${node.minItems}`);
  if (typeof node.maxLength === 'number') limits.push(`≤ ${node.maxLength} characters`);
  if (patternsOf(node).includes('\\S')) limits.push('not blank');
  if (patternsOf(node).some((p) => String(p).startsWith('^(?!'))) limits.push('no `..`');
  // `not: {enum: [0]}` beside the minimum 0: OpenAPI 3.0's way of saying > 0.
  if (typeof node.minimum === 'number')
    limits.push(`${isNode(node.not) ? '>' : '≥'} ${node.minimum}`);
  if (typeof node.maximum === 'number') limits.push(`≤ ${node.maximum}`);
  if (node.type === 'array' && isNode(node.items)) {
    const item = limitsOf(node.items);
    if (item && typeof node.items.publishAs !== 'string') limits.push(`each ${item}`);
  }
  if (isNode(node.additionalProperties)) limits.push(`each ${limitsOf(node.additionalProperties)}`);
  return limits.join(', ');
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A markdown table of an object schema's fields: field, type, limits, meaning. */
export function tesFieldTable(schema: object): string {
  const object = schema as Node;
  const required = (object.required ?? []) as string[];
  const rows = Object.entries(object.properties as Record<string, Node>).map(([name, field]) => {
    const type = required.includes(name) ? `${typeOf(field)}, required` : typeOf(field);
    return `| \`${name}\` | ${type} | ${limitsOf(field)} | ${String(field.description ?? '')} |`;
  });
  return ['| field | type | limits | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/** The generated tables of docs/tes.md by marker name. */
export const TES_DOC_TABLES: Record<string, () => string> = {
  'tes-task-fields': () => tesFieldTable(TES_TASK),
  'tes-executor-fields': () => tesFieldTable(TES_EXECUTOR),
  'tes-input-fields': () => tesFieldTable(TES_INPUT),
  'tes-output-fields': () => tesFieldTable(TES_OUTPUT),
  'tes-resources-fields': () => tesFieldTable(TES_RESOURCES),
};
