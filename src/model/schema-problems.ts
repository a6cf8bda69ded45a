/**
 * Checks a body against a contract's JSON schema with Ajv (allErrors) and turns Ajv's errors into
 * the catalogue's problems: every problem at once, each with its field path
 * (`container.ports[1].host`) and a plain message. A schema node may carry the annotations
 * `problem` (its message: one text, or one per keyword with `*` for the rest; `required` is what
 * a missing field is told, on that field's node), `problemField` (the field a rule about several
 * fields names), `problemOrder` (./problem-order.ts) and `publishAs` (the component a published
 * document names the node by); published documents leave them all out.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FieldProblem } from '../errors.js';

/** The annotations only this formatter reads. */
export const PROBLEM_KEYWORDS = ['problem', 'problemField', 'problemOrder', 'publishAs'] as const;

const ajv = new Ajv({
  allErrors: true,
  verbose: true,
  strictTypes: false,
  strictTuples: false,
  // OpenAPI's `xml` names XML elements: an annotation, as are ours.
  keywords: [...PROBLEM_KEYWORDS, 'xml'],
});

type SchemaNode = Record<string, unknown>;

/**
 * The most problems one answer lists: a 1 MiB body can hold half a million wrong items, and
 * describing each would cost seconds and answer megabytes. Past it, one last problem says so.
 */
export const MAX_PROBLEMS = 1000;

/** The last problem of a list cut at MAX_PROBLEMS. */
export const moreProblems = (root: string): FieldProblem => ({
  field: root,
  problem: `has more problems: the first ${MAX_PROBLEMS} are listed`,
});

/** `problems` cut at MAX_PROBLEMS, ending with moreProblems when something was left out. */
export function capped(problems: readonly FieldProblem[], root: string): FieldProblem[] {
  const marker = moreProblems(root).problem;
  const listed = problems.filter((p) => p.problem !== marker);
  if (listed.length === problems.length && listed.length <= MAX_PROBLEMS) return [...problems];
  return [...listed.slice(0, MAX_PROBLEMS), moreProblems(root)];
}

/** A compiled contract: the problems of a body, empty when it conforms. */
export type ContractCheck = (body: unknown) => FieldProblem[];

/** Compiles `schema` once; `root` names the whole body in problems (`task`). */
export function compileContract(schema: object, root = 'task'): ContractCheck {
  const validate: ValidateFunction = ajv.compile(schema);
  return (body) => (validate(body) ? [] : describeSchemaErrors(validate.errors ?? [], body, root));
}

/** Ajv's errors as problems, one per field (the first), in Ajv's order, at most MAX_PROBLEMS. */
export function describeSchemaErrors(
  errors: readonly ErrorObject[],
  body: unknown,
  root: string,
): FieldProblem[] {
  // A failed anyOf/not speaks for itself: the errors of its branches are not the user's problem.
  const grouped = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'not')
    .map((e) => `${e.schemaPath}/`);
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    if (error.keyword === 'if' || grouped.some((path) => error.schemaPath.startsWith(path))) {
      continue;
    }
    const problem = describeError(error, body, root);
    if (seen.has(problem.field)) continue;
    if (problems.length === MAX_PROBLEMS) return [...problems, moreProblems(root)];
    seen.add(problem.field);
    problems.push(problem);
  }
  return problems;
}

function describeError(error: ErrorObject, body: unknown, root: string): FieldProblem {
  const node = (error.parentSchema ?? {}) as SchemaNode;
  const at = fieldPath(error.instancePath, body);
  const child = (key: string) => (at === '' ? key : `${at}.${key}`);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    const missing = String(params.missingProperty);
    const property = ((node.properties ?? {}) as Record<string, SchemaNode>)[missing] ?? {};
    return { field: child(missing), problem: missingProblem(property.problem) };
  }
  if (error.keyword === 'additionalProperties') {
    const known = Object.keys((node.properties ?? {}) as SchemaNode).join(', ');
    return {
      field: child(String(params.additionalProperty)),
      problem: `unknown field (known: ${known})`,
    };
  }
  const field = annotated(node.problemField, error.keyword) ?? (at || root);
  return { field, problem: annotated(node.problem, error.keyword) ?? defaultProblem(error) };
}

/** What a missing field is told: its node's own `problem.required`, else "is required". */
function missingProblem(problem: unknown): string {
  const text =
    typeof problem === 'object' && problem !== null ? (problem as SchemaNode).required : undefined;
  return typeof text === 'string' ? text : 'is required';
}

/** An annotation's text for `keyword`: the one text, or the keyword's (else `*`) of a map. */
function annotated(problem: unknown, keyword: string): string | undefined {
  if (typeof problem === 'string') return problem;
  if (typeof problem !== 'object' || problem === null) return undefined;
  const byKeyword = problem as Record<string, unknown>;
  const text = byKeyword[keyword] ?? byKeyword['*'];
  return typeof text === 'string' ? text : undefined;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

function defaultProblem(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `must be ${String(params.type)
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(' or ')}`;
    case 'minLength':
      return 'must not be empty';
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters`;
    case 'minItems':
      return params.limit === 1
        ? 'must not be an empty list'
        : `must have at least ${String(params.limit)} items`;
    case 'enum':
      return `must be ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    default:
      return error.message ?? 'is not valid';
  }
}

/** A JSON pointer (`/container/ports/1/host`) as a field path (`container.ports[1].host`). */
function fieldPath(pointer: string, body: unknown): string {
  if (pointer === '') return '';
  let path = '';
  let node: unknown = body;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    path += Array.isArray(node) ? `[${key}]` : path === '' ? key : `.${key}`;
    node =
      typeof node === 'object' && node !== null && Object.hasOwn(node, key)
        ? (node as Record<string, unknown>)[key]
        : undefined;
  }
  return path;
}

/** `schema` as published (OpenAPI): a deep copy without this formatter's annotations. */
export function withoutProblemAnnotations(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutProblemAnnotations);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => !(PROBLEM_KEYWORDS as readonly string[]).includes(key))
      .map(([key, value]) => [key, withoutProblemAnnotations(value)]),
  );
}
