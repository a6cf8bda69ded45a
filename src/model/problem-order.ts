/**
 * Lists a body's problems in the order of its fields, whichever check found them (the schema or a
 * rule run after it): the fields of an object in their schema order (`problemOrder` where it
 * differs), unknown keys first and map keys in the order the body has them, list items by index.
 * Per field the first problem found stays, so a rule never repeats what the schema said.
 */
import type { FieldProblem } from '../errors.js';

type Node = Record<string, unknown>;

/** `[1]`, `.key` or a leading `key` of a field path (a key holding `.` or `[` splits; only order suffers). */
const SEGMENT = /\[(\d+)\]|\.?([^.[]+)/g;

function isObject(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Each object's keys by position (less their count: negative), built once per object. */
const keyRanks = new WeakMap<object, Map<string, number>>();

/** Where `key` is among the keys of `value` (negative: before every declared field). */
function bodyRank(value: unknown, key: string): number {
  if (!isObject(value)) return -1;
  let ranks = keyRanks.get(value);
  if (!ranks) {
    const keys = Object.keys(value);
    ranks = new Map(keys.map((k, i) => [k, i - keys.length]));
    keyRanks.set(value, ranks);
  }
  return ranks.get(key) ?? -1;
}

/** The rank of each segment of `field`: where it sits in the schema, and in the body. */
function ranksOf(field: string, schema: Node, body: unknown): number[] {
  const ranks: number[] = [];
  let node: Node | undefined = schema;
  let value: unknown = body;
  for (const [, index, key] of field.matchAll(SEGMENT)) {
    if (index !== undefined) {
      ranks.push(Number(index));
      node = isObject(node?.items) ? node.items : undefined;
      value = Array.isArray(value) ? value[Number(index)] : undefined;
      continue;
    }
    const name = key!;
    const properties = isObject(node?.properties) ? node.properties : {};
    const order = (node?.problemOrder as string[] | undefined) ?? Object.keys(properties);
    const known = order.indexOf(name);
    // Unknown keys and map keys come first, in the body's order.
    ranks.push(
      known >= 0 ? known : Object.hasOwn(properties, name) ? order.length : bodyRank(value, name),
    );
    const next: unknown = Object.hasOwn(properties, name)
      ? properties[name]
      : node?.additionalProperties;
    node = isObject(next) ? next : undefined;
    value = isObject(value) ? value[name] : undefined;
  }
  return ranks;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/** `problems` (the schema's first) in field order, one per field; `root` names the whole body. */
export function inFieldOrder(
  problems: readonly FieldProblem[],
  schema: object,
  body: unknown,
  root = 'task',
): FieldProblem[] {
  const seen = new Set<string>();
  const unique = problems.filter((p) => !seen.has(p.field) && seen.add(p.field));
  const ranked = unique.map((problem) => ({
    problem,
    // A problem of the whole body is alone, or says that more problems were left out: last.
    ranks: problem.field === root ? [Infinity] : ranksOf(problem.field, schema as Node, body),
  }));
  // Array.prototype.sort is stable: problems of one rank keep the order they were found in.
  return ranked.sort((a, b) => compareRanks(a.ranks, b.ranks)).map((r) => r.problem);
}
