/**
 * A small JSON-schema-subset validator for the TES contract tests: type, properties, required,
 * enum, items, additionalProperties, $ref and allOf. Unlike OpenAPI's default it forbids every
 * field no schema names (additionalProperties absent = false), because py-tes rejects them.
 */
import type { Schema } from './derive-schemas.js';

export interface CheckOptions {
  /** Schemas whose `required` list is waived (the MINIMAL view shows tesTask with id and state only). */
  relaxed?: ReadonlySet<string>;
}

interface Context extends CheckOptions {
  schemas: Record<string, Schema>;
  problems: string[];
}

/** Every way `value` breaks the named schema; empty when it conforms. */
export function checkSchema(
  value: unknown,
  name: string,
  schemas: Record<string, Schema>,
  options: CheckOptions = {},
): string[] {
  const context: Context = { ...options, schemas, problems: [] };
  check(value, { $ref: name }, '$', context);
  return context.problems;
}

function resolve(schema: Schema, context: Context): { schema: Schema; name?: string } {
  if (schema.$ref === undefined) return { schema };
  const target = context.schemas[schema.$ref];
  if (!target) throw new Error(`no schema named ${schema.$ref}`);
  return { ...resolve(target, context), name: schema.$ref };
}

/** An object schema with its allOf parts merged: each property keeps every schema it must meet. */
interface MergedObject {
  properties: Map<string, Schema[]>;
  required: Set<string>;
  additional?: Schema | boolean;
}

function mergeObject(
  schema: Schema,
  name: string | undefined,
  context: Context,
  into: MergedObject,
): void {
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    into.properties.set(key, [...(into.properties.get(key) ?? []), property]);
  }
  if (!(name && context.relaxed?.has(name)))
    for (const key of schema.required ?? []) into.required.add(key);
  if (schema.additionalProperties !== undefined) into.additional = schema.additionalProperties;
  for (const part of schema.allOf ?? []) {
    const resolved = resolve(part, context);
    mergeObject(resolved.schema, resolved.name ?? name, context, into);
  }
}

function isObjectSchema(schema: Schema): boolean {
  return schema.type === 'object' || schema.properties !== undefined || schema.allOf !== undefined;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function check(value: unknown, raw: Schema, path: string, context: Context): void {
  const { schema, name } = resolve(raw, context);
  const problem = (text: string) => void context.problems.push(`${path}: ${text}`);
  if (schema.enum && !schema.enum.includes(value as never)) {
    return problem(`${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
  }
  if (isObjectSchema(schema)) return checkObject(value, schema, name, path, context);
  const actual = typeOf(value);
  const expected = schema.type;
  if (expected === undefined) return;
  const matches = actual === expected || (expected === 'number' && actual === 'integer');
  if (!matches) return problem(`is ${actual}, must be ${expected}`);
  if (expected === 'array' && schema.items) {
    (value as unknown[]).forEach((item, i) => check(item, schema.items!, `${path}[${i}]`, context));
  }
}

function checkObject(
  value: unknown,
  schema: Schema,
  name: string | undefined,
  path: string,
  context: Context,
): void {
  if (typeOf(value) !== 'object')
    return void context.problems.push(`${path}: is ${typeOf(value)}, must be object`);
  const object = value as Record<string, unknown>;
  const merged: MergedObject = { properties: new Map(), required: new Set() };
  mergeObject(schema, name, context, merged);
  for (const key of merged.required) {
    if (!(key in object)) context.problems.push(`${path}.${key}: is required`);
  }
  for (const [key, item] of Object.entries(object)) {
    const schemas = merged.properties.get(key);
    if (schemas) for (const one of schemas) check(item, one, `${path}.${key}`, context);
    else if (typeof merged.additional === 'object')
      check(item, merged.additional, `${path}.${key}`, context);
    else if (merged.additional !== true)
      context.problems.push(`${path}.${key}: is not a field of the schema`);
  }
}
