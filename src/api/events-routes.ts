/**
 * Being told instead of polling: `GET /v1/jobproxy/events` streams the caller's task state changes
 * as Server-Sent Events (`?id=` for one task), and `?wait=` on `GET /v1/jobproxy/state/{id}`
 * (see jobproxy-routes.ts) holds the answer until the task's state changes.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { TaskChange, TaskEvent, TaskService } from '../core/task-service.js';
import { JobProxyError } from '../errors.js';
import { isTerminal, type TaskState } from '../model/states.js';
import { parseDurationSec } from '../model/units.js';
import { callerOf, visibleOwner, type Caller } from './caller.js';
import { summaryToState, type V1State } from './v1-state-view.js';

/** The longest `?wait=`: under the server's 60 s idle timeout, so no wait is cut off. */
export const MAX_WAIT_SEC = 50;
/** A comment line this often keeps proxies and the server's idle timeout from closing a stream. */
const HEARTBEAT_MS = 15_000;
/** How long an EventSource waits before reconnecting (the `retry:` field). */
const RETRY_MS = 2_000;
/**
 * Bytes a stream may have waiting for a client that does not read: past it the client is
 * dropped (its EventSource reconnects and reads the listing again) instead of the server
 * buffering for it without end.
 */
export const EVENT_BUFFER_LIMIT = 1024 * 1024;

/** What one `state` event carries: the change, and the task's listing row after it. */
export interface StateEventData {
  id: string;
  user: string;
  /** The state before; null for a new task, or the first event of an `?id=` stream. */
  from: TaskState | null;
  to: TaskState;
  at: string;
  task: V1State;
}

/** What one `deleted` event carries. */
export interface DeletedEventData {
  id: string;
  user: string;
  at: string;
}

/** One event for the streams: its SSE name, its payload, and whose task it is. */
interface HubEvent {
  name: 'state' | 'deleted';
  id: string;
  user: string;
  data: StateEventData | DeletedEventData;
}

type Subscriber = (event: HubEvent) => void;

/** The long-polls one server has waiting now: each answered at once when it closes. */
export type LongPolls = Set<() => void>;

/**
 * Turns the service's events into stream events once (one store read per change, however many
 * streams listen) and fans them out.
 */
class EventHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly detach: () => void;

  constructor(private readonly service: TaskService) {
    const onChange = (change: TaskChange) => this.publishState(change.id, change.from, change.to);
    const onAccepted = (event: TaskEvent) => this.publishState(event.id, null, 'QUEUED');
    const onDeleted = (event: TaskEvent) =>
      this.publish({
        name: 'deleted',
        id: event.id,
        user: event.user,
        data: { ...event, at: new Date().toISOString() },
      });
    service.events.on('change', onChange);
    service.events.on('accepted', onAccepted);
    service.events.on('deleted', onDeleted);
    this.detach = () => {
      service.events.off('change', onChange);
      service.events.off('accepted', onAccepted);
      service.events.off('deleted', onDeleted);
    };
  }

  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  close(): void {
    this.detach();
    this.subscribers.clear();
  }

  private publishState(id: string, from: TaskState | null, to: TaskState): void {
    if (this.subscribers.size === 0) return;
    const data = stateEventData(this.service, id, from, to);
    if (data) this.publish({ name: 'state', id, user: data.user, data });
  }

  private publish(event: HubEvent): void {
    for (const subscriber of [...this.subscribers]) subscriber(event);
  }
}

/** The `state` event of a task now (undefined when it is gone). */
function stateEventData(
  service: TaskService,
  id: string,
  from: TaskState | null,
  to: TaskState,
): StateEventData | undefined {
  let task;
  try {
    task = service.getTask(id);
  } catch {
    return undefined;
  }
  const row = summaryToState({ ...task, user: task.spec.user, name: task.spec.name ?? null });
  return { id, user: task.spec.user, from, to, at: new Date().toISOString(), task: row };
}

/** One SSE frame. Data is one JSON line, so it never needs splitting over `data:` lines. */
function frame(name: string, data: object): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Whether `event` may be shown to `caller` on a stream filtered to `onlyId`. */
function visible(event: HubEvent, caller: Caller, onlyId: string | undefined): boolean {
  if (onlyId !== undefined && event.id !== onlyId) return false;
  const owner = visibleOwner(caller);
  return owner === undefined || event.user === owner;
}

/** The one query parameter of the events stream. */
function readIdParameter(request: FastifyRequest): string | undefined {
  const { id } = request.query as { id?: unknown };
  if (id === undefined) return undefined;
  if (typeof id !== 'string' || id === '') {
    throw new JobProxyError('INVALID_PARAMETER', { field: 'id', problem: 'must be one task id' }, [
      { field: 'id', problem: 'must be one task id' },
    ]);
  }
  return id;
}

/**
 * Writes to a stream, respecting backpressure: what the socket has not taken yet counts against
 * `limit`; a client over it is dropped. False once dropped.
 */
function boundedWriter(
  raw: ServerResponse,
  limit: number,
  dropped: () => void,
): (text: string) => boolean {
  return (text) => {
    if (raw.destroyed) return false;
    if (raw.writableLength + Buffer.byteLength(text) > limit) {
      dropped();
      raw.destroy();
      return false;
    }
    raw.write(text);
    return true;
  };
}

/** Registers `GET /v1/jobproxy/events`; open streams end when the server closes. */
export interface EventsRoutesOptions {
  service: TaskService;
  longPolls: LongPolls;
  bufferLimit?: number;
}

/** The events stream and the long-polls' wake-ups, as a fastify plugin (app.register). */
export async function eventsRoutes(
  app: FastifyInstance,
  { service, longPolls, bufferLimit = EVENT_BUFFER_LIMIT }: EventsRoutesOptions,
): Promise<void> {
  const hub = new EventHub(service);
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
    for (const done of [...longPolls]) done();
    hub.close();
  });

  app.get('/v1/jobproxy/events', async (request, reply) => {
    const caller = callerOf(request);
    const onlyId = readIdParameter(request);
    // An unknown or invisible task is a 404 before the stream starts.
    const first =
      onlyId === undefined ? undefined : service.getTask(onlyId, visibleOwner(caller)) && onlyId;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    });
    const send = boundedWriter(raw, bufferLimit, () =>
      request.log.warn(
        { buffered: raw.writableLength, limit: bufferLimit },
        'event stream dropped: the client does not read',
      ),
    );
    send(`retry: ${RETRY_MS}\n: connected\n\n`);
    if (first !== undefined) {
      const now = service.getTask(first);
      const data = stateEventData(service, first, null, now.state);
      if (data) send(frame('state', data));
    }
    const unsubscribe = hub.subscribe((event) => {
      if (visible(event, caller, onlyId)) send(frame(event.name, event.data));
    });
    const heartbeat = setInterval(() => send(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const end = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(end);
      if (!raw.writableEnded) raw.end();
    };
    streams.add(end);
    raw.on('close', end);
    request.log.debug({ task: onlyId }, 'event stream opened');
  });
}

/** The `wait` query parameter in seconds, capped at MAX_WAIT_SEC; undefined when absent. */
export function parseWait(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const problem = `must be a duration such as "30s", "500ms" or "1m" (at most ${MAX_WAIT_SEC} s are waited)`;
  const millis = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*ms\s*$/i.exec(value) : null;
  const seconds =
    typeof value !== 'string'
      ? undefined
      : millis
        ? Number(millis[1]) / 1000
        : parseDurationSec(value);
  if (seconds === undefined || !Number.isFinite(seconds)) {
    throw new JobProxyError('INVALID_PARAMETER', { field: 'wait', problem }, [
      { field: 'wait', problem },
    ]);
  }
  return Math.min(seconds, MAX_WAIT_SEC);
}

/**
 * Resolves when task `id` changes state or is deleted, after `seconds`, when the client goes
 * away (`response` closes) or the server closes — at once when the task has already finished.
 * Throws TASK_NOT_FOUND for a task the caller cannot see.
 */
export function waitForStateChange(
  service: TaskService,
  id: string,
  seconds: number,
  caller: Caller,
  response: ServerResponse,
  waits: LongPolls,
): Promise<void> {
  const task = service.getTask(id, visibleOwner(caller));
  if (isTerminal(task.state) || seconds <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const onEvent = (event: { id: string }): void => {
      if (event.id === id) done();
    };
    const timer = setTimeout(() => done(), seconds * 1000);
    const done = (): void => {
      clearTimeout(timer);
      service.events.off('change', onEvent);
      service.events.off('deleted', onEvent);
      response.off('close', done);
      waits.delete(done);
      resolve();
    };
    waits.add(done);
    service.events.on('change', onEvent);
    service.events.on('deleted', onEvent);
    response.on('close', done);
  });
}
