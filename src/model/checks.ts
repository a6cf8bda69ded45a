/** Helpers the v1 and TES validators share around their schemas. */

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
