/**
 * The reference tables of docs/api.md, generated from the one Task schema
 * (src/model/v1-task-schema.ts) and the State answer (v1-answer-schemas.ts), and of docs/tes.md, from the TES task schema
 * (tes/tes-docs-tables.ts): a test requires each document to hold exactly these, and
 * `node dist/src/api/docs-tables.js --write` rewrites them between their markers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { V1_CONTAINER, V1_TASK } from '../model/v1-task-schema.js';
import { TES_DOC_TABLES } from './tes/tes-docs-tables.js';
import { V1_STATE } from './v1-answer-schemas.js';

type Node = Record<string, unknown>;

/** The docs' word for a field's form, read from its schema. */
function formOf(schema: Node): string {
  const when = (schema.if ?? {}) as Node;
  const otherwise = (schema.else ?? {}) as Node;
  if (when.type === 'string' && otherwise.type === 'array') return 'string, or list of strings';
  if (when.type === 'string' && otherwise.type === 'number') {
    return 'number > 0, or string with a unit';
  }
  if (when.const === '') return 'one item or a list';
  if (schema.type === 'number') return 'number > 0';
  if (schema.type === 'object') return 'object';
  const patterns = ((schema.allOf ?? []) as Node[]).map((part) => part.pattern);
  if (patterns.includes('^/')) return 'absolute path';
  if (schema.type === 'string') return 'string, not blank';
  return String(schema.type ?? 'any');
}

/** A markdown table of an object schema's fields: field, form, meaning (its description). */
export function fieldTable(schema: object): string {
  const object = schema as Node;
  const required = (object.required ?? []) as string[];
  const rows = Object.entries(object.properties as Record<string, Node>).map(([name, field]) => {
    const form = required.includes(name) ? `${formOf(field)}, required` : formOf(field);
    return `| \`${name}\` | ${form} | ${String(field.description ?? '')} |`;
  });
  return ['| field | type | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** A markdown table of an answer's fields: field, always there (required), meaning. */
export function answerTable(schema: object): string {
  const object = schema as Node;
  const required = (object.required ?? []) as string[];
  const rows = Object.entries(object.properties as Record<string, Node>).map(
    ([name, field]) =>
      `| \`${name}\` | ${required.includes(name) ? 'yes' : 'no'} | ${String(field.description ?? '')} |`,
  );
  return ['| field | always | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** The generated tables by marker name. */
export const DOC_TABLES: Record<string, () => string> = {
  'v1-task-fields': () => fieldTable(V1_TASK),
  'v1-container-fields': () => fieldTable(V1_CONTAINER),
  'v1-state-fields': () => answerTable(V1_STATE),
};

const marker = (name: string) =>
  new RegExp(`(<!-- generated: ${name} -->\\n)[\\s\\S]*?(\\n<!-- end generated -->)`);

/** The documents under docs/ and the tables each holds. */
const DOCUMENTS: Record<string, Record<string, () => string>> = {
  'api.md': DOC_TABLES,
  'tes.md': TES_DOC_TABLES,
};

/** `document` with every generated table (of `tables`) replaced by its current form. */
export function withGeneratedTables(document: string, tables = DOC_TABLES): string {
  let text = document;
  for (const [name, table] of Object.entries(tables)) {
    if (!marker(name).test(text)) throw new Error(`docs: no marker for ${name}`);
    text = text.replace(
      marker(name),
      (_all, open: string, close: string) => open + table() + close,
    );
  }
  return text;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  for (const [file, tables] of Object.entries(DOCUMENTS)) {
    const path = new URL(`../../../docs/${file}`, import.meta.url);
    writeFileSync(path, withGeneratedTables(readFileSync(path, 'utf8'), tables));
  }
}
