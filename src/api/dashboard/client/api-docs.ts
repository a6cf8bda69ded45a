/**
 * A small OpenAPI 3 reader for the browser: renders the document next to this page
 * (`…/docs` → `…/openapi.json`) as operations with their parameters, bodies and answers, and the
 * named schemas, linked. Descriptions are shown as text (paragraphs and `#` headings only).
 */
import { byId, h } from './dom.js';

type Json = { [key: string]: unknown };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const METHOD_COLOURS: Record<string, string> = {
  get: '#1a5fd0',
  post: '#2e8540',
  put: '#d98a1c',
  patch: '#d98a1c',
  delete: '#b3261e',
};

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Paragraphs and headings of a Markdown-ish description, as text. */
function prose(text: unknown): HTMLElement[] {
  if (typeof text !== 'string' || !text.trim()) return [];
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((block) => {
      const heading = /^(#{1,4})\s+(.*)$/.exec(block.trim());
      if (heading) return h('h3', {}, heading[2]!);
      return h('p', {}, block.replace(/\s*\n\s*/g, ' '));
    });
}

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** One schema as a nested list: type, constraints, properties (required marked), refs as links. */
function schemaView(schema: unknown, depth = 0): HTMLElement {
  if (!isObject(schema)) return h('span', { class: 'type' }, 'any');
  if (typeof schema.$ref === 'string') {
    const name = refName(schema.$ref);
    return h('a', { href: `#schema-${name}` }, name);
  }
  const children = [
    ...combinerViews(schema, depth),
    ...conditionViews(schema, depth),
    ...memberViews(schema, depth),
  ];
  return h(
    'span',
    {},
    ...schemaSummary(schema, depth),
    children.length ? h('ul', { class: 'schema' }, ...children) : null,
  );
}

const LIMITS = ['minimum', 'exclusiveMinimum', 'maximum', 'minLength', 'maxLength', 'minItems'];

/** A schema's own line: type, enum or const, format, pattern, limits, description. */
function schemaSummary(schema: Json, depth: number): (HTMLElement | string)[] {
  const parts: (HTMLElement | string)[] = [];
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type;
  if (type) parts.push(h('span', { class: 'type' }, String(type)));
  if (Array.isArray(schema.enum))
    parts.push(` one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if ('const' in schema) parts.push(` = ${JSON.stringify(schema.const)}`);
  if (typeof schema.format === 'string') parts.push(` (${schema.format})`);
  if (typeof schema.pattern === 'string') parts.push(' ', h('code', {}, `/${schema.pattern}/`));
  for (const key of LIMITS) {
    if (typeof schema[key] === 'number') parts.push(` ${key} ${schema[key]}`);
  }
  if (typeof schema.description === 'string' && depth > 0) parts.push(` — ${schema.description}`);
  return parts;
}

/** anyOf / oneOf / allOf, each a list of its schemas. */
function combinerViews(schema: Json, depth: number): HTMLElement[] {
  return ['anyOf', 'oneOf', 'allOf'].flatMap((combiner) => {
    const options = schema[combiner];
    if (!Array.isArray(options)) return [];
    const items = options.map((o) => h('li', {}, schemaView(o, depth + 1)));
    const label = combiner === 'allOf' ? 'all of:' : 'one of:';
    return [h('li', {}, label, h('ul', { class: 'schema' }, ...items))];
  });
}

/** if / then / else: which form the value takes decides the schema it must meet. */
function conditionViews(schema: Json, depth: number): HTMLElement[] {
  return ['if', 'then', 'else'].flatMap((key) =>
    key in schema ? [h('li', {}, `${key}: `, schemaView(schema[key], depth + 1))] : [],
  );
}

/** items, properties (required marked) and the schema of other keys. */
function memberViews(schema: Json, depth: number): HTMLElement[] {
  const children: HTMLElement[] = [];
  if (schema.items) children.push(h('li', {}, 'items: ', schemaView(schema.items, depth + 1)));
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  if (isObject(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) {
      children.push(
        h(
          'li',
          {},
          h('code', {}, name),
          required.has(name) ? h('span', { class: 'required' }, ' required') : null,
          ': ',
          schemaView(property, depth + 1),
        ),
      );
    }
  }
  if (isObject(schema.additionalProperties)) {
    children.push(h('li', {}, 'other keys: ', schemaView(schema.additionalProperties, depth + 1)));
  }
  return children;
}

function contentView(content: unknown): HTMLElement | null {
  if (!isObject(content)) return null;
  return h(
    'ul',
    { class: 'schema' },
    ...Object.entries(content).map(([type, media]) =>
      h(
        'li',
        {},
        h('code', {}, type),
        ': ',
        schemaView(isObject(media) ? media.schema : undefined, 1),
      ),
    ),
  );
}

function operationView(path: string, method: string, operation: Json): HTMLElement {
  const badge = h('span', { class: 'method' }, method.toUpperCase());
  badge.style.setProperty('--method', METHOD_COLOURS[method] ?? '#555');
  const parameters = Array.isArray(operation.parameters) ? (operation.parameters as Json[]) : [];
  const body = isObject(operation.requestBody) ? operation.requestBody : undefined;
  const responses = isObject(operation.responses) ? operation.responses : {};
  return h(
    'details',
    { class: 'operation', id: `op-${method}-${path}` },
    h(
      'summary',
      {},
      badge,
      h('span', { class: 'path' }, path),
      h('span', {}, String(operation.summary ?? '')),
    ),
    ...prose(operation.description),
    parameters.length ? parametersView(parameters) : null,
    body
      ? h(
          'div',
          {},
          h('h4', {}, 'Request body'),
          ...prose(body.description),
          contentView(body.content),
        )
      : null,
    h('h4', {}, 'Answers'),
    answersView(responses),
  );
}

function parametersView(parameters: Json[]): HTMLElement {
  const items = parameters.map((p) =>
    h(
      'li',
      {},
      h('code', {}, String(p.name)),
      ` (${String(p.in)})`,
      p.required ? h('span', { class: 'required' }, ' required') : null,
      ': ',
      schemaView(p.schema, 1),
      p.description ? ` — ${String(p.description)}` : '',
    ),
  );
  return h('div', {}, h('h4', {}, 'Parameters'), h('ul', { class: 'schema' }, ...items));
}

function answersView(responses: Json): HTMLElement {
  const items = Object.entries(responses).map(([status, answer]) =>
    h(
      'li',
      {},
      h('strong', {}, status),
      ` ${isObject(answer) ? String(answer.description ?? '') : ''}`,
      isObject(answer) ? contentView(answer.content) : null,
    ),
  );
  return h('ul', { class: 'schema' }, ...items);
}

function render(spec: Json): void {
  const info = isObject(spec.info) ? spec.info : {};
  const title = `${String(info.title ?? 'API')} ${String(info.version ?? '')}`;
  document.title = title;
  byId('docs-title').textContent = title;
  const servers = Array.isArray(spec.servers)
    ? (spec.servers as Json[]).map((s) => String(s.url))
    : [];
  const paths = isObject(spec.paths) ? spec.paths : {};
  const operations: HTMLElement[] = [];
  const index: HTMLElement[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      operations.push(operationView(path, method, operation));
      index.push(
        h('li', {}, h('a', { href: `#op-${method}-${path}` }, `${method.toUpperCase()} ${path}`)),
      );
    }
  }
  const components =
    isObject(spec.components) && isObject(spec.components.schemas) ? spec.components.schemas : {};
  const schemas = Object.entries(components).map(([name, schema]) =>
    h(
      'section',
      { class: 'operation', id: `schema-${name}` },
      h('h3', {}, name),
      ...prose(isObject(schema) ? schema.description : undefined),
      schemaView(schema),
    ),
  );
  const docs = byId('docs');
  docs.replaceChildren(
    h(
      'section',
      { class: 'intro' },
      ...prose(info.description),
      h(
        'p',
        {},
        'Base path: ',
        h('code', {}, servers.join(', ') || '/'),
        ' · ',
        h(
          'a',
          { href: location.pathname.replace(/docs\/?$/, 'openapi.json') },
          'the document as JSON',
        ),
      ),
    ),
    h('nav', {}, h('h2', {}, 'Operations'), h('ul', {}, ...index)),
    ...operations,
    h('h2', {}, 'Schemas'),
    ...schemas,
  );
  openTarget();
}

/** Opens and shows the operation or schema the URL names (#op-get-/state, #schema-Task). */
function openTarget(): void {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id ? document.getElementById(id) : null;
  if (target instanceof HTMLDetailsElement) target.open = true;
  target?.scrollIntoView();
}

window.addEventListener('hashchange', openTarget);

async function main(): Promise<void> {
  const url = location.pathname.replace(/docs\/?$/, 'openapi.json');
  try {
    const response = await fetch(url, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    render((await response.json()) as Json);
  } catch (error) {
    byId('docs').replaceChildren(
      h('p', { role: 'alert' }, `Cannot show the document: ${(error as Error).message}`),
    );
  }
}

void main();
