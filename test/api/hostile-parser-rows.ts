/**
 * Requests Node's HTTP parser refuses, or methods no route has, sent as raw bytes (issue 11): each
 * answers the catalogue's shape and code, 405s with Allow. The runner is hostile-parser.test.ts.
 */
import type { ErrorCode } from '../../src/errors.js';

export interface RawRow {
  name: string;
  /** The request exactly as sent on the socket. */
  raw: string;
  status: number;
  code: ErrorCode;
  allow?: string;
}

const HOST = 'Host: localhost\r\n';

export const PARSER_ROWS: RawRow[] = [
  {
    name: 'broken chunked encoding',
    raw: `POST /v1/jobproxy/submit HTTP/1.1\r\n${HOST}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: 'Content-Length with Transfer-Encoding (request smuggling)',
    raw: `POST /v1/jobproxy/submit HTTP/1.1\r\n${HOST}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: 'a 20 KB header',
    raw: `GET /v1/jobproxy/state HTTP/1.1\r\n${HOST}X-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
    status: 431,
    code: 'HEADERS_TOO_LARGE',
  },
  {
    name: 'method FOO on a known path',
    raw: `FOO /v1/jobproxy/state HTTP/1.1\r\n${HOST}\r\n`,
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    allow: 'GET',
  },
  {
    name: 'method FOO on an unknown path',
    raw: `FOO /nowhere HTTP/1.1\r\n${HOST}\r\n`,
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: 'method QUERY on /state',
    raw: `QUERY /v1/jobproxy/state HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`,
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    allow: 'GET',
  },
  {
    name: 'method QUERY with a body on submit',
    raw: `QUERY /v1/jobproxy/submit HTTP/1.1\r\n${HOST}Content-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`,
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    allow: 'POST',
  },
  {
    name: 'a header with a space in its name',
    raw: `GET /v1/jobproxy/state HTTP/1.1\r\n${HOST}Bad Header: x\r\n\r\n`,
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
];
