/**
 * JSON data as block-style YAML, for the API documents served as `.yaml`. Every key and string is
 * written double-quoted with JSON's escapes (a YAML double-quoted scalar accepts them all), so no
 * plain scalar can be misread as a number, a boolean, a comment or an anchor.
 */

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function scalar(value: JsonValue): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.length === 0) return '[]';
  if (!Array.isArray(value) && Object.keys(value).length === 0) return '{}';
  return undefined;
}

function emit(value: JsonValue, indent: string, lines: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      const inline = scalar(item);
      if (inline !== undefined) {
        lines.push(`${indent}- ${inline}`);
      } else {
        // A nested block under "-" goes on the next lines, two spaces deeper.
        lines.push(`${indent}-`);
        emit(item, `${indent}  `, lines);
      }
    }
    return;
  }
  for (const [key, item] of Object.entries(value as Record<string, JsonValue>)) {
    const inline = scalar(item);
    if (inline !== undefined) {
      lines.push(`${indent}${JSON.stringify(key)}: ${inline}`);
    } else {
      lines.push(`${indent}${JSON.stringify(key)}:`);
      emit(item, `${indent}  `, lines);
    }
  }
}

/** `value` (plain JSON data) as one YAML document. */
export function toYaml(value: unknown): string {
  const data = value as JsonValue;
  const inline = scalar(data);
  if (inline !== undefined) return `${inline}\n`;
  const lines: string[] = [];
  emit(data, '', lines);
  return `${lines.join('\n')}\n`;
}
