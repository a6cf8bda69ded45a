/** Checks an error answer against the one JSON error shape of DESIGN.md §6. */
import assert from 'node:assert/strict';
import { STATUS_CODES } from 'node:http';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/errors.js';

export interface ErrorAnswer {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  details?: { field: string; problem: string }[];
}

/** What an answer looks like to the checks, whether it came from inject() or fetch(). */
export interface RawAnswer {
  status: number;
  contentType?: string;
  text: string;
}

/** An inject() response as a RawAnswer. */
export function fromInject(response: {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}): RawAnswer {
  const type = response.headers['content-type'];
  return {
    status: response.statusCode,
    contentType: typeof type === 'string' ? type : undefined,
    text: response.body,
  };
}

/**
 * Asserts the answer is exactly {statusCode, code, error, message, details?} as JSON, with the
 * expected status and catalogue code; returns the parsed body.
 */
export function assertErrorShape(answer: RawAnswer, status: number, code: ErrorCode): ErrorAnswer {
  const context = `${answer.status} ${answer.text}`;
  assert.equal(answer.status, status, context);
  assert.match(answer.contentType ?? '', /^application\/json\b/, context);
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  const keys = Object.keys(body).sort();
  const expectedKeys = ['code', 'error', 'message', 'statusCode'];
  if ('details' in body) expectedKeys.push('details');
  assert.deepEqual(keys, expectedKeys.sort(), context);
  assert.equal(body.statusCode, status, context);
  assert.equal(body.code, code, context);
  assert.equal(ERROR_CATALOGUE[code].status, status, `catalogue status of ${code}`);
  assert.equal(body.error, STATUS_CODES[status], context);
  assert.equal(typeof body.message, 'string', context);
  assert.ok((body.message as string).length > 0, context);
  if ('details' in body) {
    assert.ok(Array.isArray(body.details) && body.details.length > 0, context);
    for (const detail of body.details as unknown[]) {
      assert.deepEqual(Object.keys(detail as object).sort(), ['field', 'problem'], context);
      const { field, problem } = detail as { field: unknown; problem: unknown };
      assert.ok(typeof field === 'string' && field.length > 0, context);
      assert.ok(typeof problem === 'string' && problem.length > 0, context);
    }
  }
  return body as unknown as ErrorAnswer;
}

/** A fetch() response as a RawAnswer (reads the body). */
export async function fromFetch(response: Response): Promise<RawAnswer> {
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? undefined,
    text: await response.text(),
  };
}
