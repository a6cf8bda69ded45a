/**
 * Request ids: every request log line carries `reqId`, and every answer an `x-request-id` header
 * with the same value, so a client's report can be found in the log. A caller (or a proxy in
 * front) may choose the id by sending a well-formed `x-request-id`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a caller-chosen id may look like (anything else is replaced, never logged as is). */
const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id of a request: the caller's `x-request-id` when well-formed, else a new UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && ACCEPTED_ID.test(given) ? given : randomUUID();
}
