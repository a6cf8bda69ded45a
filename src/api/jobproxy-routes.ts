/**
 * The JobProxy v1 API (specs/jobproxy-api.md) under /v1/jobproxy: submit, state, state/{id},
 * delete/{id}, ping. Tasks arrive as JSON or XML; answers follow the Accept header.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TaskService } from '../core/task-service.js';
import { JobProxyError } from '../errors.js';
import { parseV1Task } from '../model/validate-v1.js';
import { callerOf, visibleOwner, type Caller } from './caller.js';
import { parseWait, waitForStateChange, type LongPolls } from './events-routes.js';
import { negotiate } from './negotiate.js';
import { recordToState } from './v1-state-view.js';
import { streamStatesJson, streamStatesXml } from './v1-state-stream.js';
import { decodeTaskXml, encodeXml } from './xml-codec.js';

const SUBMIT_ANSWERS = ['text/plain', 'application/json', 'application/xml', 'text/xml'];
const STATE_ANSWERS = ['application/json', 'application/xml', 'text/xml'];

function chooseAnswer(request: FastifyRequest, offers: string[]): string {
  const type = negotiate(request.headers.accept, offers);
  if (!type) {
    throw new JobProxyError('NOT_ACCEPTABLE', {
      accept: request.headers.accept ?? '',
      supported: offers.join(', '),
    });
  }
  return type;
}

function isXml(type: string): boolean {
  return type.endsWith('/xml');
}

/** The v1 ping text: "alive (yyyy-MM-dd HH:mm:ss.SSS)" in local time, as before. */
export function pingText(now = new Date()): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds(), 3)}`;
  return `alive (${date} ${time})`;
}

/** The v1 API's routes, as a fastify plugin (app.register). */
export async function jobProxyRoutes(
  app: FastifyInstance,
  { service, longPolls }: { service: TaskService; longPolls: LongPolls },
): Promise<void> {
  app.post('/v1/jobproxy/submit', async (request, reply) => {
    const answer = chooseAnswer(request, SUBMIT_ANSWERS);
    const contentType = request.headers['content-type'] ?? '';
    const body = /xml/i.test(contentType) ? decodeTaskXml(request.body as string) : request.body;
    const spec = parseV1Task(body);
    checkSubmitsFor(callerOf(request), spec.user);
    const task = await service.accept(spec);
    request.auditTask = task.id;
    if (answer === 'application/json') return reply.type(answer).send({ id: task.id });
    if (isXml(answer)) return reply.type(answer).send(encodeXml('id', task.id));
    return reply.type('text/plain').send(task.id);
  });

  const listStates = async (request: FastifyRequest, reply: FastifyReply) => {
    const answer = chooseAnswer(request, STATE_ANSWERS);
    const user = visibleOwner(callerOf(request));
    const stream = isXml(answer) ? streamStatesXml(service, user) : streamStatesJson(service, user);
    return reply.type(answer).send(stream);
  };
  app.get('/v1/jobproxy/state', listStates);
  // The first implementation answered the listing with a trailing slash too; its clients use it.
  app.get('/v1/jobproxy/state/', listStates);

  app.get<{ Params: { id: string }; Querystring: { wait?: string } }>(
    '/v1/jobproxy/state/:id',
    async (request, reply) => {
      const answer = chooseAnswer(request, STATE_ANSWERS);
      // ?wait=30s: answer when the state changes (long-poll), or at the end of the wait.
      const wait = parseWait(request.query.wait);
      if (wait !== undefined) {
        await waitForStateChange(
          service,
          request.params.id,
          wait,
          callerOf(request),
          reply.raw,
          longPolls,
        );
      }
      const owner = visibleOwner(callerOf(request));
      const state = recordToState(service.getTask(request.params.id, owner));
      return sendState(reply, answer, state);
    },
  );

  app.delete<{ Params: { id: string } }>('/v1/jobproxy/delete/:id', async (request, reply) => {
    await service.deleteTask(request.params.id, visibleOwner(callerOf(request)));
    return reply.code(204).send();
  });

  app.get('/v1/jobproxy/ping', async (_request, reply) =>
    reply.type('text/plain').send(pingText()),
  );
}

/** A v1 task's `user` must be the caller; admins (and callers when auth is off) may name anyone. */
function checkSubmitsFor(caller: Caller, user: string): void {
  if (caller.admin || caller.user === undefined || caller.user === user) return;
  throw new JobProxyError(
    'FORBIDDEN',
    {
      problem: `you are ${caller.user}: a task's user must be you (only an admin submits for others)`,
    },
    [{ field: 'user', problem: `must be ${caller.user}` }],
  );
}

function sendState(reply: FastifyReply, answer: string, state: object): FastifyReply {
  if (isXml(answer)) return reply.type(answer).send(encodeXml('state', state));
  return reply.type(answer).send(state);
}
