/**
 * Requests Node's HTTP parser refuses before Fastify sees them (broken chunking, Content-Length
 * with Transfer-Encoding, headers over the limit, a method no HTTP server knows): answered in the
 * catalogue's shape and code like every other error, then the connection is closed — the parser
 * cannot tell where the next request would begin. Fastify's `clientErrorHandler` option.
 */
import type { Socket } from 'node:net';
import { maxHeaderSize } from 'node:http';
import { JobProxyError } from '../errors.js';
import { errorBody, type RouteTable } from './error-handler.js';

/** The path of a request line `FOO /path HTTP/1.1` in the raw bytes the parser saw. */
function requestLine(raw: Buffer | undefined): { method: string; path: string } | undefined {
  const line = /^([!-~]{1,32}) (\/[!-~]{0,2000}) HTTP\/1\.[01]\r?\n/.exec(
    raw?.subarray(0, 2100).toString('latin1') ?? '',
  );
  return line ? { method: line[1]!, path: line[2]!.split('?')[0]! } : undefined;
}

/** The catalogue error for a parser error, and the Allow header it needs, if any. */
export function clientErrorOf(
  error: NodeJS.ErrnoException & { rawPacket?: Buffer },
  routes: RouteTable,
): { error: JobProxyError; allow?: string } {
  const code = error.code ?? '';
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { error: new JobProxyError('HEADERS_TOO_LARGE', { limit: maxHeaderSize }) };
  }
  const line = requestLine(error.rawPacket);
  if (code === 'HPE_INVALID_METHOD' && line) {
    const allowed = routes.allowedMethods(line.path);
    const method = line.method.slice(0, 32);
    if (allowed.length > 0) {
      const values = { method, url: line.path.slice(0, 200), allowed: allowed.join(' or ') };
      return {
        error: new JobProxyError('METHOD_NOT_ALLOWED', values),
        allow: allowed.join(', '),
      };
    }
    const problem = `the method ${method} is not an HTTP method this server knows`;
    return { error: new JobProxyError('MALFORMED_REQUEST', { problem }) };
  }
  const reason = error.message.replace(/^Parse Error:\s*/, '');
  return { error: new JobProxyError('MALFORMED_REQUEST', { problem: `${reason} (${code})` }) };
}

/** Writes the answer for a parser error on `socket` and closes it. */
export function createClientErrorHandler(
  routes: RouteTable,
): (error: Error, socket: Socket) => void {
  return (error, socket) => {
    const errno = error as NodeJS.ErrnoException & { rawPacket?: Buffer };
    // The client went away: nobody to answer.
    if (errno.code === 'ECONNRESET' || errno.code === 'EPIPE' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { error: known, allow } = clientErrorOf(errno, routes);
    const body = JSON.stringify(errorBody(known));
    const head = [
      `HTTP/1.1 ${known.status} ${errorBody(known).error}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      ...(allow ? [`Allow: ${allow}`] : []),
      'Connection: close',
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  };
}
