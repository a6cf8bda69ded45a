/**
 * Derives the JSON schemas the TES contract tests validate against from the pinned OpenAPI files in
 * docs/specs (tes-1.1.openapi.yaml and its service-info schema). Only what validation
 * needs is kept (type, properties, required, enum, items, additionalProperties, allOf, $ref);
 * $refs become plain schema names. The result is checked in as tes-schemas.json; a test
 * derives it again and compares, so the two cannot drift. Write it with:
 *   node dist/test/tes/derive-schemas.js --write
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/** A value a YAML document holds. */
export type YamlValue =
  string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

/** The repository root, from dist/test/tes/. */
const ROOT = new URL('../../../', import.meta.url);
const SPEC_DIR = fileURLToPath(new URL('docs/specs/', ROOT));
export const SCHEMAS_FILE = fileURLToPath(new URL('test/tes/tes-schemas.json', ROOT));
const TES_FILE = 'tes-1.1.openapi.yaml';
const SERVICE_INFO_FILE = 'ga4gh-service-info-1.0.0.yaml';
const KEPT = [
  'type',
  'properties',
  'required',
  'enum',
  'items',
  'additionalProperties',
  'allOf',
  '$ref',
];

export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: YamlValue[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  allOf?: Schema[];
  $ref?: string;
}

export interface DerivedSchemas {
  derivedFrom: string[];
  schemas: Record<string, Schema>;
}

type YamlMap = { [key: string]: YamlValue };

function componentSchemas(file: string): YamlMap {
  const document = parseYaml(readFileSync(`${SPEC_DIR}${file}`, 'utf8')) as YamlMap;
  return (document.components as YamlMap).schemas as YamlMap;
}

/** "#/components/schemas/X" and "<file>#/components/schemas/X" → "X". */
function refName(ref: string): string {
  const match = /#\/components\/schemas\/(\w+)$/.exec(ref);
  if (!match) throw new Error(`unexpected $ref ${ref}`);
  return match[1]!;
}

function strip(node: YamlValue): Schema {
  const source = node as YamlMap;
  const schema: Record<string, unknown> = {};
  for (const key of KEPT) {
    const value = source[key];
    if (value === undefined) continue;
    if (key === 'properties') {
      schema.properties = Object.fromEntries(
        Object.entries(value as YamlMap).map(([name, s]) => [name, strip(s)]),
      );
    } else if (key === 'items') schema.items = strip(value);
    else if (key === 'allOf') schema.allOf = (value as YamlValue[]).map(strip);
    else if (key === 'additionalProperties')
      schema.additionalProperties = typeof value === 'boolean' ? value : strip(value);
    else if (key === '$ref') schema.$ref = refName(value as string);
    else schema[key] = value;
  }
  return schema as Schema;
}

/** The schemas of both files, TES's and service-info's, under their component names. */
export function deriveSchemas(): DerivedSchemas {
  const info = componentSchemas(SERVICE_INFO_FILE);
  const tes = componentSchemas(TES_FILE);
  const clash = Object.keys(info).filter((name) => name in tes);
  if (clash.length > 0) throw new Error(`schema names in both files: ${clash.join(', ')}`);
  const all = { ...info, ...tes };
  const schemas = Object.fromEntries(
    Object.keys(all)
      .sort()
      .map((name) => [name, strip(all[name]!)]),
  );
  return { derivedFrom: [TES_FILE, SERVICE_INFO_FILE], schemas };
}

/** The checked-in schemas. */
export function loadSchemas(): DerivedSchemas {
  return JSON.parse(readFileSync(SCHEMAS_FILE, 'utf8')) as DerivedSchemas;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  writeFileSync(SCHEMAS_FILE, `${JSON.stringify(deriveSchemas(), null, 2)}\n`);
  console.log(`wrote ${SCHEMAS_FILE}`);
}
