/**
 * Which failures of the API server are worth waiting out (no answer, 5xx, 429) rather than
 * failing a task for, and its own words for them. Duck-typed on client-node's ApiException
 * (`code`, `body`) so this module loads nothing of client-node.
 */

/** How long one API call may wait for its whole answer (kube-client.ts gives it up then). */
export const API_CALL_TIMEOUT_MS = 60_000;

interface ApiFailure {
  code?: unknown;
  statusCode?: unknown;
  body?: unknown;
}

/** The HTTP status of an API answer, or undefined when the server did not answer at all. */
export function statusOf(error: unknown): number | undefined {
  const failure = (error ?? {}) as ApiFailure;
  // ApiException carries `code`; a failed watch carries `statusCode`; ECONNREFUSED is a string code.
  const code = typeof failure.code === 'number' ? failure.code : failure.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** True for failures that may pass: no answer, 429 Too Many Requests, a 5xx. */
export function isTransient(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status === 0 || status === 429 || status >= 500;
}

/** The API server's own words for a failure (its Status message), or the error's. */
export function messageOf(error: unknown): string {
  const failure = (error ?? {}) as ApiFailure;
  const status = statusOf(error);
  if (status !== undefined && failure.body !== undefined) {
    const body = failure.body;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    try {
      const answer = JSON.parse(text) as { message?: string };
      if (answer.message) return `${answer.message} (HTTP ${status})`;
    } catch {
      // Not a Status object.
    }
    return `HTTP ${status}`;
  }
  if ((error as Error).name === 'AbortError') {
    return `no answer in ${API_CALL_TIMEOUT_MS / 1000} s (the call was given up)`;
  }
  return (error as Error).message;
}
