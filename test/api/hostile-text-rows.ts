/**
 * Bodies whose text no field may hold (issue 11): bytes that are not UTF-8, lone surrogates, NUL,
 * undefined or out-of-range XML references — each a 400 naming the field — and query parameters
 * no v1 route reads.
 */
import { rawJson, SUBMIT, xml, type HostileRow } from './hostile-rows.js';

const XML_TYPE = { 'content-type': 'application/xml' };
const JSON_TYPE = { 'content-type': 'application/json' };

function xmlTask(user: string, cmd = 'true'): string {
  return `<task><user>${user}</user><cmd>${cmd}</cmd></task>`;
}

function unknownQuery(url: string, names: string): HostileRow {
  return {
    name: `GET ${url}`,
    method: 'GET',
    url,
    headers: {},
    status: 400,
    code: 'INVALID_PARAMETER',
    names,
  };
}

export const TEXT_ROWS: HostileRow[] = [
  {
    name: 'JSON body with bytes that are not UTF-8',
    method: 'POST',
    url: SUBMIT,
    headers: JSON_TYPE,
    body: Buffer.concat([
      Buffer.from('{"user":"al'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","cmd":"true"}'),
    ]),
    status: 400,
    code: 'MALFORMED_BODY',
    names: 'UTF-8',
  },
  {
    name: 'XML body with an overlong UTF-8 sequence',
    method: 'POST',
    url: SUBMIT,
    headers: XML_TYPE,
    body: Buffer.concat([
      Buffer.from('<task><user>a'),
      Buffer.from([0xc0, 0xaf]),
      Buffer.from('</user></task>'),
    ]),
    status: 400,
    code: 'MALFORMED_BODY',
    names: 'UTF-8',
  },
  rawJson(
    'a lone high surrogate in user',
    '{"user":"a\\ud800","cmd":"true"}',
    'INVALID_TASK',
    'user',
  ),
  rawJson(
    'a lone low surrogate in cmd',
    '{"user":"a","cmd":"echo \\udc00"}',
    'INVALID_TASK',
    'cmd',
  ),
  rawJson(
    'NUL in a container image',
    '{"user":"a","container":{"image":"alpine\\u0000"}}',
    'INVALID_TASK',
    'container.image',
  ),
  rawJson('NUL in a key', '{"user":"a","cmd":"true","x\\u0000":1}', 'INVALID_TASK', 'x'),
  {
    ...rawJson(
      'lone surrogate in a TES executor',
      '{"executors":[{"image":"alpine","command":["echo","\\ud83d"]}]}',
      'INVALID_TASK',
      'executors[0].command[1]',
    ),
    url: '/ga4gh/tes/v1/tasks',
  },
  xml('XML undefined entity &foo;', xmlTask('&foo;'), 'MALFORMED_BODY', 'user'),
  xml('XML character reference &#0;', xmlTask('a', 'echo &#0;'), 'MALFORMED_BODY', 'cmd'),
  xml('XML character reference &#x110000;', xmlTask('&#x110000;'), 'MALFORMED_BODY', 'user'),
  xml(
    'XML character reference to a surrogate &#xD800;',
    xmlTask('&#xD800;'),
    'MALFORMED_BODY',
    'user',
  ),
  unknownQuery('/v1/jobproxy/state?user=bob', 'user'),
  unknownQuery('/v1/jobproxy/state/some-id?view=FULL', 'view'),
];
