/**
 * The CLI's HTTP client of the JobProxy v1 API (global fetch). It turns every failure into a
 * CliError that says what to do: an unreachable server exits 2 with how to start or point at one;
 * an error answer exits 1 with the server's message and each field's problem.
 */
import type { Command } from 'commander';
import { CliError } from './cli-error.js';

/** Where the client commands send their requests unless --server or JOBPROXY_SERVER says. */
export const DEFAULT_SERVER = 'http://localhost:9999';
const API = '/v1/jobproxy';
/** A request that takes longer than this is reported as the server not answering. */
const REQUEST_TIMEOUT_MS = 30_000;

/** The options every client command shares. */
export interface ClientFlags {
  server?: string;
  token?: string;
}

/** Adds --server and --token to a client command. */
export function addClientOptions(command: Command): Command {
  return command
    .option('--server <url>', `JobProxy server (env JOBPROXY_SERVER, default ${DEFAULT_SERVER})`)
    .option('--token <token>', 'bearer token for the server (env JOBPROXY_TOKEN)');
}

/** One answer: its status, content type and body text. */
export interface ApiResponse {
  status: number;
  contentType: string;
  text: string;
}

/** A client of one server's /v1/jobproxy API. */
export class JobProxyClient {
  readonly server: string;
  private readonly base: string;
  private readonly token?: string;

  /** Flags win over JOBPROXY_SERVER / JOBPROXY_TOKEN, which win over the defaults. */
  constructor(flags: ClientFlags, env: NodeJS.ProcessEnv = process.env) {
    this.server = flags.server ?? (env.JOBPROXY_SERVER || DEFAULT_SERVER);
    this.token = flags.token ?? (env.JOBPROXY_TOKEN || undefined);
    let url: URL;
    try {
      url = new URL(this.server);
    } catch {
      throw badServer(this.server);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badServer(this.server);
    // A server behind a reverse proxy may live under a path; keep it, without a trailing slash.
    this.base = url.href.replace(/\/+$/, '') + API;
  }

  /** Sends one request with `Accept: application/json`; throws CliError on any failure. */
  async request(
    method: string,
    path: string,
    body?: { text: string; contentType: string },
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body) headers['Content-Type'] = body.contentType;
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers,
        body: body?.text,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new CliError(
        `cannot reach the JobProxy server at ${this.server}: ${failureReason(error)}. ` +
          `Is it running? Start it with 'jobproxy serve' or set --server/JOBPROXY_SERVER.`,
        2,
      );
    }
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    if (response.status >= 400) throw this.answerError(response, text);
    return { status: response.status, contentType, text };
  }

  /** A request whose answer is JSON. */
  async json<T>(method: string, path: string): Promise<T> {
    const answer = await this.request(method, path);
    try {
      return JSON.parse(answer.text) as T;
    } catch {
      throw new CliError(
        `the server at ${this.server} did not answer JSON to ${method} ${API}${path}: ` +
          `${answer.text.slice(0, 200)}. Is --server pointing at a JobProxy server?`,
      );
    }
  }

  /** The server's error message and field problems, or what little an unknown answer tells. */
  private answerError(response: Response, text: string): CliError {
    const lines: string[] = [];
    const error = parseErrorBody(text);
    if (error?.message) {
      lines.push(error.message);
      const details = (Array.isArray(error.details) ? error.details : []).map(
        (d) => `${d.field}: ${d.problem}`,
      );
      // INVALID_TASK already lists its problems in the message; say each one once.
      if (!details.every((d) => error.message!.includes(d))) {
        lines.push(...details.map((d) => `  ${d}`));
      }
    } else {
      const snippet = text.trim().slice(0, 200);
      lines.push(
        `the server answered ${response.status} ${response.statusText}${snippet ? `: ${snippet}` : ''}`,
      );
    }
    if (response.status === 401 && !this.token) {
      lines.push('The server needs a token: pass --token or set JOBPROXY_TOKEN.');
    }
    return new CliError(lines.join('\n'), 1);
  }
}

/** The error shape every JobProxy error answer has. */
interface ErrorBody {
  message?: string;
  details?: { field: string; problem: string }[];
}

function parseErrorBody(text: string): ErrorBody | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const body = parsed as ErrorBody;
    return typeof body.message === 'string' ? body : undefined;
  } catch {
    return undefined;
  }
}

/** fetch hides the socket error in `cause` (an AggregateError for localhost's two addresses). */
function failureReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  }
  const cause =
    error instanceof Error
      ? (error.cause as { code?: string; message?: string } | undefined)
      : undefined;
  const reason =
    cause?.message || cause?.code || (error instanceof Error ? error.message : String(error));
  return reason;
}

function badServer(server: string): CliError {
  return new CliError(
    `--server/JOBPROXY_SERVER must be an http:// or https:// URL such as ${DEFAULT_SERVER}, not "${server}"`,
    2,
  );
}

/** A task id as one path segment. */
export function taskPath(kind: 'state' | 'delete', id: string): string {
  return `/${kind}/${encodeURIComponent(id)}`;
}
