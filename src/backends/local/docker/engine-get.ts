/**
 * A plain GET of the Docker Engine API over its unix socket, with node:http alone. The calls a
 * server makes at every start (the engine's version, the list of its containers) go this way, so
 * that dockerode (and the gRPC, protobuf and ssh2 modules it loads) is loaded only by a server
 * that runs or recovers a container. Errors look like dockerode's: a socket error keeps its
 * `code`, an answer other than 2xx carries `statusCode` and the engine's JSON as `json`.
 */
import { request } from 'node:http';

/** The most an answer of these calls may hold (a list of thousands of containers fits). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export interface EngineGetOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** GETs `path` (with its query) from the engine at `socketPath`; resolves to the parsed JSON. */
export function engineGet(
  socketPath: string,
  path: string,
  options: EngineGetOptions,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', signal: options.signal });
    req.setTimeout(options.timeoutMs, () => {
      req.destroy(
        Object.assign(new Error('the engine did not answer in time'), { code: 'ETIMEDOUT' }),
      );
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES)
          req.destroy(new Error(`the engine's answer to ${path} is too large`));
        else chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('end', () => {
        try {
          resolve(answerOf(path, res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error);
        }
      });
    });
    req.end();
  });
}

/** The parsed body of a 2xx answer; otherwise throws an error shaped as dockerode's. */
function answerOf(path: string, statusCode: number, body: string): unknown {
  let json: unknown = body;
  try {
    json = body ? JSON.parse(body) : undefined;
  } catch {
    // Not JSON: kept as text, which engineReason reads too.
  }
  if (statusCode >= 200 && statusCode < 300) return json;
  const message = (json as { message?: unknown } | null)?.message;
  const reason = typeof message === 'string' ? message : body.trim();
  throw Object.assign(new Error(`(HTTP code ${statusCode}) GET ${path}: ${reason}`), {
    statusCode,
    json,
  });
}
