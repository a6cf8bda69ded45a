/**
 * The audit trail: one structured log line (`audit: true`) for every accepted, refused and
 * deleted or canceled task — who (the authenticated caller and the task's user), what (the route
 * and task id), from where (the client address), and why a refusal happened.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { callerOf } from './caller.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The task a request accepted or touched, for the audit line. */
    auditTask?: string;
    /** Why the request was refused, for the audit line. */
    auditReason?: string;
  }
}

/** The action a route performs on tasks, or undefined for routes that change nothing. */
function auditedAction(request: FastifyRequest): string | undefined {
  const route = request.routeOptions.url ?? '';
  if (
    request.method === 'POST' &&
    (route === '/v1/jobproxy/submit' || route === '/ga4gh/tes/v1/tasks' || route === '/v1/tasks') // the TES alias for py-tes 0.4.x
  ) {
    return 'submit';
  }
  if (request.method === 'DELETE' && route.startsWith('/v1/jobproxy/delete/')) return 'delete';
  if (request.method === 'POST' && /cancel/.test(route)) return 'cancel';
  return undefined;
}

export function installAudit(app: FastifyInstance): void {
  // Declared once: every request has the same shape, set by the route or the error handler.
  app.decorateRequest('auditTask', undefined);
  app.decorateRequest('auditReason', undefined);
  app.addHook('onResponse', (request, reply, done) => {
    const action = auditedAction(request);
    if (action) auditLine(request, reply, action);
    done();
  });
}

/** The audit line of one answered request that acted on a task. */
function auditLine(request: FastifyRequest, reply: FastifyReply, action: string): void {
  const caller = callerOf(request);
  const ok = reply.statusCode < 400;
  request.log.info(
    {
      audit: true,
      action,
      outcome: ok ? (action === 'submit' ? 'accepted' : 'done') : 'refused',
      status: reply.statusCode,
      caller: caller.user ?? (caller.admin ? 'local-admin' : 'anonymous'),
      task: request.auditTask ?? (request.params as { id?: string } | undefined)?.id,
      from: request.ip,
      ...(ok ? {} : { reason: request.auditReason }),
    },
    `audit: ${action} ${ok ? 'ok' : 'refused'}`,
  );
}
