/**
 * The field readers the TES validators share: each records its problems (with the field path)
 * and returns what it could read, so one pass reports every problem of a task.
 */
import { checkString, isPlainObject, type Problems } from './checks.js';

export class TesFieldReader {
  constructor(readonly problems: Problems) {}

  /** A field that must be given, read by `read` when it is. */
  required<T>(
    value: unknown,
    field: string,
    read: (v: unknown, f: string) => T | undefined,
  ): T | undefined {
    return value === undefined ? this.problems.add(field, 'is required') : read(value, field);
  }

  /** A list of items; absent = empty unless `required`. */
  list<T>(
    value: unknown,
    field: string,
    readItem: (v: unknown, f: string) => T | undefined,
    required = false,
  ): T[] {
    if (value === undefined && !required) return [];
    if (!Array.isArray(value) || (required && value.length === 0)) {
      this.problems.add(field, required ? 'must be a non-empty list' : 'must be a list');
      return [];
    }
    return value.flatMap((item, i) => {
      const read = readItem(item, `${field}[${i}]`);
      return read === undefined ? [] : [read];
    });
  }

  optionalString(value: unknown, field: string, maxLength = 4096): string | undefined {
    return value === undefined
      ? undefined
      : checkString(value, field, this.problems, { maxLength });
  }

  optionalBoolean(value: unknown, field: string): boolean | undefined {
    if (value === undefined || typeof value === 'boolean') return value;
    return this.problems.add(field, 'must be true or false');
  }

  /** An object of strings; `keyPattern` restricts the keys (environment variable names). */
  stringMap(
    value: unknown,
    field: string,
    keyPattern?: RegExp,
  ): Record<string, string> | undefined {
    if (value === undefined) return undefined;
    if (!isPlainObject(value)) return this.problems.add(field, 'must be an object of strings');
    const map: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) {
      if (keyPattern && !keyPattern.test(key)) {
        this.problems.add(
          `${field}.${key}`,
          'must be a variable name (letters, digits, _; not starting with a digit)',
        );
      }
      const text = checkString(item, `${field}.${key}`, this.problems, { maxLength: 131072 });
      if (text !== undefined) map[key] = text;
    }
    return map;
  }
}
