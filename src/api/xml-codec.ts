/**
 * XML in and out for the v1 API, as the first implementation's clients send and expect it
 * (specs/jobproxy-original-*.xsd). DTDs are refused outright — no entity of any kind is expanded
 * beyond the five XML built-ins — so XXE and billion-laughs bodies get a 400.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { JobProxyError } from '../errors.js';
import { checkBodyText, checkXmlReferences } from './body-text.js';

/** Elements whose text is a number in the XSD: decoded to numbers so one validator serves both. */
const NUMERIC_ELEMENTS = new Set(['cores', 'memory', 'cputime', 'host', 'container']);
const NUMBER = /^\s*-?\d+(\.\d+)?\s*$/;

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  // Numeric-looking text becomes a number only where the XSD says it is one.
  tagValueProcessor: (name, value) =>
    NUMERIC_ELEMENTS.has(name) && NUMBER.test(value) ? Number(value) : value,
});

const builder = new XMLBuilder({ format: false, suppressEmptyNode: false });

function malformed(problem: string): JobProxyError {
  return new JobProxyError('MALFORMED_BODY', { format: 'XML', problem }, [
    { field: 'body', problem },
  ]);
}

/** Decodes `<task>…</task>` to the JSON Task shape; refuses DTDs, other roots, broken XML. */
export function decodeTaskXml(text: string): unknown {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw malformed('DOCTYPE and entity declarations are not accepted');
  }
  checkXmlReferences(text);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    // An empty body has no column: say only what is known.
    const where = col === undefined ? `line ${line}` : `line ${line}, column ${col}`;
    throw malformed(`${msg} (${where})`);
  }
  let document: Record<string, unknown>;
  try {
    document = parser.parse(text) as Record<string, unknown>;
  } catch (error) {
    // The parser refuses what the validator lets through: element names such as __proto__ or
    // constructor, and nesting deeper than it will follow.
    throw malformed((error as Error).message.replace(/^\[\w+\]\s*/, ''));
  }
  const roots = Object.keys(document);
  if (roots.length !== 1 || roots[0] !== 'task') {
    throw malformed(
      `the root element must be <task>, not ${roots.map((r) => `<${r}>`).join(', ') || 'nothing'}`,
    );
  }
  const task = document.task;
  if (Array.isArray(task)) throw malformed('the document must have exactly one <task> root');
  checkBodyText(task);
  return task === '' ? {} : task;
}

// XML 1.0 cannot carry most control characters; output tails may contain them.
const XML_INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function clean(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(XML_INVALID, '\uFFFD');
  if (Array.isArray(value)) return value.map(clean);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]) => [k, clean(v)]),
    );
  }
  return value;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** `{root: value}` as an XML document with declaration. */
export function encodeXml(root: string, value: unknown): string {
  return `${XML_DECLARATION}${builder.build({ [root]: clean(value) })}`;
}

/** Elements `<name>…</name>`, one per item, without declaration (for streamed documents). */
export function encodeXmlFragment(name: string, items: unknown[]): string {
  return items.length === 0 ? '' : builder.build({ [name]: clean(items) });
}
