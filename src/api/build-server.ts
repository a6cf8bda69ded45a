/**
 * The HTTP server factory: routes, body parsers, limits and error handling, without listening
 * (tests use inject(); start-server.ts listens).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { TaskService } from '../core/task-service.js';
import { installErrorHandling, type RouteTable } from './error-handler.js';
import { registerJobProxyRoutes } from './jobproxy-routes.js';

export interface ServerOptions {
  service: TaskService;
  log: Logger;
  bodyLimit: number;
  /** Log every request and response (the -debug flag). */
  debug: boolean;
}

/** Collects registered routes so an unknown method on a known path answers 405 with Allow. */
function createRouteTable(app: FastifyInstance): RouteTable {
  const routes: { pattern: RegExp; method: string }[] = [];
  app.addHook('onRoute', (route) => {
    const pattern = new RegExp(`^${route.url.replace(/:[^/]+/g, '[^/]+')}/?$`);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (method !== 'HEAD') routes.push({ pattern, method });
  });
  return {
    allowedMethods: (url) => [
      ...new Set(routes.filter((r) => r.pattern.test(url)).map((r) => r.method)),
    ],
  };
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: !options.debug }),
    bodyLimit: options.bodyLimit,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Slow or stalled clients cannot hold connections forever.
    connectionTimeout: 60_000,
    requestTimeout: 60_000,
    routerOptions: { maxParamLength: 200 },
  });
  const routes = createRouteTable(app);
  installErrorHandling(app, routes, options.bodyLimit);
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  if (options.debug) {
    app.addHook('preHandler', async (request) => {
      request.log.debug({ headers: request.headers, body: request.body }, 'request');
    });
    app.addHook('onSend', async (request, reply, payload) => {
      request.log.debug({ statusCode: reply.statusCode, payload }, 'response');
      return payload;
    });
  }
  registerJobProxyRoutes(app, options.service);
  return app;
}
