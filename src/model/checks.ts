/** Field checks shared by the v1 and TES validators; each records problems instead of throwing. */
import type { FieldProblem } from '../errors.js';

/** Collects problems while a body is read; every reader adds to it and returns what it could. */
export class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, problem: string): undefined {
    this.list.push({ field, problem });
    return undefined;
  }
}

/** A plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A copy of a parsed JSON body with every object field whose value is `null` left out, at any
 * depth (inside lists too). Nulls that are list items, or the body itself, stay: they are values,
 * not absent fields.
 * Walks without recursion: a 1 MiB body can nest half a million levels deep.
 */
export function withoutNullFields(root: unknown): unknown {
  const copy = (value: unknown): unknown =>
    Array.isArray(value) ? [...value] : isPlainObject(value) ? { ...value } : value;
  const top = copy(root);
  if (typeof top !== 'object' || top === null) return top;
  const stack: unknown[] = [top];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown> | unknown[];
    for (const key of Object.keys(node)) {
      const item = (node as Record<string, unknown>)[key];
      if (item === null && !Array.isArray(node)) {
        delete (node as Record<string, unknown>)[key];
      } else if (typeof item === 'object' && item !== null) {
        const itemCopy = copy(item);
        // defineProperty, not assignment: a key named __proto__ must stay a plain field.
        Object.defineProperty(node, key, { value: itemCopy, enumerable: true, writable: true });
        stack.push(itemCopy);
      }
    }
  }
  return top;
}

interface StringRules {
  nonEmpty?: boolean;
  maxLength?: number;
}

// NUL cannot pass through exec or a file name; other control characters are refused in names.
const NUL = '\u0000';

export function checkString(
  value: unknown,
  field: string,
  problems: Problems,
  rules: StringRules = {},
): string | undefined {
  if (typeof value !== 'string') return problems.add(field, 'must be a string');
  if (rules.nonEmpty && value.trim() === '') return problems.add(field, 'must not be empty');
  if (rules.maxLength !== undefined && value.length > rules.maxLength) {
    return problems.add(field, `must be at most ${rules.maxLength} characters`);
  }
  if (value.includes(NUL)) return problems.add(field, 'must not contain NUL characters');
  return value;
}

/** An absolute path with no `..` segment (a file the task writes or a directory it mounts). */
export function checkOutputPath(
  value: unknown,
  field: string,
  problems: Problems,
): string | undefined {
  const path = checkString(value, field, problems, { nonEmpty: true, maxLength: 4096 });
  if (path === undefined) return undefined;
  if (!path.startsWith('/')) return problems.add(field, 'must be an absolute path');
  if (path.split('/').includes('..')) return problems.add(field, 'must not contain ".." segments');
  return path;
}

/** Records every key of `value` not in `known` as an unknown field (`prefix` = its parent path). */
export function checkKnownFields(
  value: Record<string, unknown>,
  known: readonly string[],
  prefix: string,
  problems: Problems,
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      problems.add(`${prefix}${key}`, `unknown field (known: ${known.join(', ')})`);
    }
  }
}
