/**
 * The hostile-input table (DESIGN.md §6): requests no client should send, each with the answer
 * the server must give. Rows of bodies that are no JSON or XML task live here; rows of tasks with
 * bad fields in hostile-task-rows.ts; HTTP-level rows (content types, Accept, ids, methods) in
 * hostile-http-rows.ts. The runner is hostile-input.test.ts.
 */
import type { ErrorCode } from '../../src/errors.js';

export interface HostileRow {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  status: number;
  code: ErrorCode;
  /** Where the problem is named: a substring of the message or of one details[].field. */
  names: string;
  /** The Allow header a 405 must carry. */
  allow?: string;
}

/** The body limit the hostile server runs with (the default is 1 MiB; smaller keeps this fast). */
export const TEST_BODY_LIMIT = 16 * 1024;

export const SUBMIT = '/v1/jobproxy/submit';
const JSON_TYPE = { 'content-type': 'application/json' };
const XML_TYPE = { 'content-type': 'application/xml' };

/** A submit with `text` as a JSON body. */
export function rawJson(
  name: string,
  text: string,
  code: ErrorCode,
  names: string,
  status = 400,
): HostileRow {
  return { name, method: 'POST', url: SUBMIT, headers: JSON_TYPE, body: text, status, code, names };
}

export function xml(
  name: string,
  text: string,
  code: ErrorCode,
  names: string,
  status = 400,
): HostileRow {
  return { name, method: 'POST', url: SUBMIT, headers: XML_TYPE, body: text, status, code, names };
}

const XXE =
  '<?xml version="1.0"?><!DOCTYPE task [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
  '<task><user>&xxe;</user><cmd>true</cmd></task>';
const LAUGHS =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
  '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
  '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">' +
  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' +
  '<task><user>&lol3;</user><cmd>true</cmd></task>';
const OVER_CAP = 'x'.repeat(TEST_BODY_LIMIT + 1);

export const BODY_ROWS: HostileRow[] = [
  // JSON that is not JSON, or not an object.
  rawJson('malformed JSON', '{user: alice}', 'MALFORMED_BODY', 'position'),
  rawJson('truncated JSON', '{"user":"alice","cmd":"tr', 'MALFORMED_BODY', 'JSON'),
  rawJson(
    'JSON with trailing garbage',
    '{"user":"alice","cmd":"true"} x',
    'MALFORMED_BODY',
    'JSON',
  ),
  rawJson('empty JSON body', '', 'INVALID_TASK', 'task'),
  rawJson('JSON array as body', '[{"user":"alice","cmd":"true"}]', 'INVALID_TASK', 'task'),
  rawJson('JSON string as body', '"echo hi"', 'INVALID_TASK', 'task'),
  rawJson('JSON number as body', '42', 'INVALID_TASK', 'task'),
  rawJson('JSON null as body', 'null', 'INVALID_TASK', 'task'),
  rawJson(
    '__proto__ at top level',
    '{"user":"a","cmd":"true","__proto__":{"admin":true}}',
    'MALFORMED_BODY',
    '__proto__',
  ),
  rawJson(
    '__proto__ in container',
    '{"user":"a","container":{"image":"x","__proto__":{"a":1}}}',
    'MALFORMED_BODY',
    'container.__proto__',
  ),
  rawJson(
    '__proto__ deep in ports',
    '{"user":"a","container":{"image":"x","ports":[{"port":{"__proto__":{}}}]}}',
    'MALFORMED_BODY',
    'container.ports[0].port.__proto__',
  ),
  rawJson(
    'constructor.prototype at top level',
    '{"user":"a","cmd":"true","constructor":{"prototype":{"x":1}}}',
    'MALFORMED_BODY',
    'constructor',
  ),
  rawJson(
    'constructor.prototype in container',
    '{"user":"a","container":{"image":"x","constructor":{"prototype":{}}}}',
    'MALFORMED_BODY',
    'container.constructor',
  ),
  rawJson(
    'constructor as a plain unknown field',
    '{"user":"a","cmd":"true","constructor":1}',
    'INVALID_TASK',
    'constructor',
  ),

  // XML that is not XML, or not a <task>, or tries entities.
  xml('malformed XML', '<task><user>alice</user><cmd>true</task>', 'MALFORMED_BODY', 'XML'),
  xml('truncated XML', '<task><user>alice</user>', 'MALFORMED_BODY', "Unclosed tag 'task'"),
  xml('empty XML body', '', 'MALFORMED_BODY', 'XML'),
  xml('XML DOCTYPE with external entity (XXE)', XXE, 'MALFORMED_BODY', 'DOCTYPE'),
  xml('XML billion laughs', LAUGHS, 'MALFORMED_BODY', 'DOCTYPE'),
  xml(
    'XML root not <task>',
    '<job><user>alice</user><cmd>true</cmd></job>',
    'MALFORMED_BODY',
    '<job>',
  ),
  xml(
    'XML with two root elements',
    '<task><user>a</user><cmd>true</cmd></task><task/>',
    'MALFORMED_BODY',
    'exactly one <task> root',
  ),
  xml(
    'XML unknown element',
    '<task><user>a</user><cmd>true</cmd><priority>9</priority></task>',
    'INVALID_TASK',
    'priority',
  ),
  xml(
    'XML unknown element in container',
    '<task><user>a</user><container><image>x</image><gpu>1</gpu></container></task>',
    'INVALID_TASK',
    'container.gpu',
  ),
  xml(
    'XML element named __proto__',
    '<task><user>a</user><cmd>true</cmd><__proto__><x>1</x></__proto__></task>',
    'MALFORMED_BODY',
    '__proto__',
  ),
  xml(
    'XML element named constructor',
    '<task><user>a</user><cmd>true</cmd><constructor>1</constructor></task>',
    'MALFORMED_BODY',
    'constructor',
  ),
  xml(
    'XML nested 150 deep',
    `<task>${'<a>'.repeat(150)}${'</a>'.repeat(150)}</task>`,
    'MALFORMED_BODY',
    'nested',
  ),
  xml(
    'XML cores not a number',
    '<task><user>a</user><cmd>true</cmd><cores>abc</cores></task>',
    'INVALID_TASK',
    'cores',
  ),
  {
    ...xml(
      'text/xml negative memory',
      '<task><user>a</user><cmd>true</cmd><memory>-5</memory></task>',
      'INVALID_TASK',
      'memory',
    ),
    headers: { 'content-type': 'text/xml' },
  },

  // Bodies over the cap.
  rawJson(
    'JSON body over the cap',
    JSON.stringify({ user: 'a', cmd: OVER_CAP }),
    'BODY_TOO_LARGE',
    String(TEST_BODY_LIMIT),
    413,
  ),
  xml(
    'XML body over the cap',
    `<task><user>a</user><cmd>${OVER_CAP}</cmd></task>`,
    'BODY_TOO_LARGE',
    String(TEST_BODY_LIMIT),
    413,
  ),
];
