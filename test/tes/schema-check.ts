/**
 * Checks TES answers against the derived TES schemas with Ajv (JSON Schema 2019-09). Unlike
 * OpenAPI's default it forbids every field no schema names (an object schema without
 * `additionalProperties` gets `unevaluatedProperties: false`, so allOf parts merge), because
 * py-tes rejects them. Problems read `$.path: text`.
 */
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import type { Schema } from './derive-schemas.js';

export interface CheckOptions {
  /** Schemas whose `required` list is waived (the MINIMAL view shows tesTask with id and state only). */
  relaxed?: ReadonlySet<string>;
}

const compiled = new WeakMap<Record<string, Schema>, Map<string, ValidateFunction>>();

/** Every way `value` breaks the named schema; empty when it conforms. */
export function checkSchema(
  value: unknown,
  name: string,
  schemas: Record<string, Schema>,
  options: CheckOptions = {},
): string[] {
  if (!(name in schemas)) throw new Error(`no schema named ${name}`);
  const relaxed = [...(options.relaxed ?? [])].sort();
  const key = `${name}|${relaxed.join(',')}`;
  let cache = compiled.get(schemas);
  if (!cache) compiled.set(schemas, (cache = new Map()));
  let validate = cache.get(key);
  if (!validate) {
    validate = schemaSet(schemas, new Set(relaxed)).compile({ $ref: `tes#/$defs/${name}` });
    cache.set(key, validate);
  }
  return validate(value) ? [] : (validate.errors ?? []).map((e) => describe(e, value));
}

/** One Ajv whose root schema holds every named schema in $defs, made strict about fields. */
function schemaSet(schemas: Record<string, Schema>, relaxed: ReadonlySet<string>) {
  const inAllOf = new Set(
    Object.values(schemas).flatMap((s) => (s.allOf ?? []).map((part) => part.$ref ?? '')),
  );
  const $defs = Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [
      name,
      strict(schema, !inAllOf.has(name), relaxed.has(name)),
    ]),
  );
  const ajv = new Ajv2019({ allErrors: true, verbose: true, strict: false });
  ajv.addSchema({ $id: 'tes', $defs });
  return ajv;
}

function isObjectSchema(schema: Schema): boolean {
  return schema.type === 'object' || schema.properties !== undefined || schema.allOf !== undefined;
}

/** `schema` with $refs into $defs, and closed to unnamed fields where it is a whole object. */
function strict(schema: Schema, whole: boolean, relaxed = false): object {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref') out.$ref = `#/$defs/${String(value)}`;
    else if (key === 'required' && relaxed) continue;
    else if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, strict(v, true)]),
      );
    } else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = strict(value as Schema, true);
    } else if (key === 'allOf') {
      out.allOf = (value as Schema[]).map((part) => strict(part, false, relaxed));
    } else out[key] = value;
  }
  if (whole && isObjectSchema(schema) && schema.additionalProperties === undefined) {
    out.unevaluatedProperties = false;
  }
  return out;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** An Ajv error as `$.tags.a: is integer, must be string`. */
function describe(error: ErrorObject, root: unknown): string {
  const at = path(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${at}.${String(params.missingProperty)}: is required`;
    case 'unevaluatedProperties':
    case 'additionalProperties': {
      const field = params.unevaluatedProperty ?? params.additionalProperty;
      return `${at}.${String(field)}: is not a field of the schema`;
    }
    case 'enum':
      return `${at}: ${JSON.stringify(error.data)} is not one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'type':
      return `${at}: is ${typeOf(error.data)}, must be ${String(params.type)}`;
    default:
      return `${at}: ${error.message ?? 'is not valid'}`;
  }
}

/** A JSON pointer as `$.a[0].b`. */
function path(pointer: string, root: unknown): string {
  let text = '$';
  let node: unknown = root;
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    text += Array.isArray(node) ? `[${key}]` : `.${key}`;
    node =
      typeof node === 'object' && node !== null
        ? (node as Record<string, unknown>)[key]
        : undefined;
  }
  return text;
}
