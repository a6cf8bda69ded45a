/**
 * The benches' HTTP client: node:http over a keep-alive Agent (one socket per concurrent client,
 * as a real client pool would hold), a pool that runs jobs at a fixed concurrency and records
 * each job's latency, and percentiles of those latencies.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface HttpCall {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
}

/** A keep-alive agent holding at most `sockets` connections. */
export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/** One request; resolves with the status and the whole body as text. */
export function httpCall(agent: Agent, url: string, call: HttpCall = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...call.headers };
    if (call.body !== undefined) headers['content-length'] = Buffer.byteLength(call.body);
    const req = request(url, { agent, method: call.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(call.body);
  });
}

/** POSTs JSON; fails unless the answer is 200. Resolves with the body. */
export async function postJson(agent: Agent, url: string, value: unknown): Promise<string> {
  const answer = await httpCall(agent, url, {
    method: 'POST',
    body: JSON.stringify(value),
    headers: { 'content-type': 'application/json' },
  });
  if (answer.status !== 200)
    throw new Error(`POST ${url} answered ${answer.status}: ${answer.body}`);
  return answer.body;
}

export interface PoolResult {
  /** Wall time from the first job's start to the last job's end, ms. */
  elapsedMs: number;
  /** Each job's latency, ms, in completion order. */
  latenciesMs: number[];
}

/** Runs `total` jobs, at most `concurrency` at a time; a failing job fails the pool. */
export async function runPool(
  total: number,
  concurrency: number,
  job: (index: number) => Promise<unknown>,
): Promise<PoolResult> {
  const latenciesMs: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      const start = performance.now();
      await job(index);
      latenciesMs.push(performance.now() - start);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return { elapsedMs: performance.now() - start, latenciesMs };
}

/** The p-th percentile (0–100) of `values`, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The median of a few values. */
export function median(values: number[]): number {
  return percentile(values, 50);
}

/**
 * Reads `GET /v1/jobproxy/state` every `everyMs` until `count` tasks are all COMPLETE; throws on
 * a task that ended otherwise, or after `timeoutMs`.
 */
export async function waitAllComplete(
  agent: Agent,
  serverUrl: string,
  count: number,
  timeoutMs: number,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await httpCall(agent, `${serverUrl}/v1/jobproxy/state`, {
      headers: { accept: 'application/json' },
    });
    const states = (JSON.parse(answer.body) as { state: { code: string; description: string }[] })
      .state;
    const failed = states.find(
      (s) => !['QUEUED', 'INITIALIZING', 'RUNNING', 'COMPLETE'].includes(s.code),
    );
    if (failed) throw new Error(`a task ended ${failed.code}: ${failed.description}`);
    if (states.length === count && states.every((s) => s.code === 'COMPLETE')) return;
    if (Date.now() > deadline) throw new Error(`tasks not COMPLETE after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}
