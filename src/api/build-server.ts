/**
 * The HTTP server factory: routes, body parsers, limits and error handling, without listening
 * (tests use inject(); start-server.ts listens).
 */
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type RouteOptions,
} from 'fastify';
import type { Logger } from 'pino';
import type { TaskService } from '../core/task-service.js';
import {
  createFrameworkErrorHandler,
  installErrorHandling,
  malformedBody,
  unsupportedMediaType,
  type RouteTable,
} from './error-handler.js';
import { jobProxyRoutes } from './jobproxy-routes.js';
import { redactHeaders } from './caller.js';
import { dashboardApiRoutes } from './dashboard/dashboard-api-routes.js';
import { dashboardRoutes } from './dashboard/dashboard-routes.js';
import { eventsRoutes, type LongPolls } from './events-routes.js';
import { registerMetrics } from './metrics.js';
import { openApiRoutes } from './openapi-routes.js';
import { requestIdOf } from './request-id.js';
import { tesRoutes } from './tes/tes-routes.js';
import type { TesStaging } from '../core/tes-staging.js';
import { installAccess, type Authentication } from './auth-hook.js';
import { checkBodyText, decodeUtf8 } from './body-text.js';
import { createClientErrorHandler } from './client-error.js';
import { installV1QueryCheck } from './v1-query-check.js';
import { installHostCheck, type HostPolicy } from './host-check.js';
import { installAudit } from './audit-hook.js';

export interface ServerOptions {
  service: TaskService;
  log: Logger;
  bodyLimit: number;
  /** Log every request and response (the -debug flag). */
  debug: boolean;
  /** Told of every route as it is registered (tests check each one is documented). */
  onRoute?: (route: RouteOptions) => void;
  /** TES file staging (allowed roots, collected outputs); absent = no TES API. */
  tes?: TesStaging;
  /** Who may call: tokens on every API request, or 'none' (every caller an admin). */
  authentication: Authentication;
  /** Bytes an event stream may buffer for a client that does not read (default 1 MiB). */
  eventBufferLimit?: number;
  /** Resolves once the service has started (recovery done); requests wait for it. */
  untilStarted?: Promise<void>;
  /** Host names and scheme the server serves (host-check.ts); any other Host gets 421. */
  hosts: HostPolicy;
}

/**
 * Collects registered routes (feed `record` to the onRoute hook) so an unknown method on a known
 * path answers 405 with Allow. Made before the server so the router's own errors can use it.
 */
function createRouteTable(): RouteTable & { record(route: RouteOptions): void } {
  const routes: { pattern: RegExp; method: string; params: string[] }[] = [];
  return {
    record(route) {
      const pattern = new RegExp(`^${route.url.replace(/:[^/]+/g, '[^/]+')}/?$`);
      const params = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) if (method !== 'HEAD') routes.push({ pattern, method, params });
    },
    allowedMethods: (url) => [
      ...new Set(routes.filter((r) => r.pattern.test(url)).map((r) => r.method)),
    ],
    paramsOf: (url, method) =>
      routes.find((r) => r.method === method && r.pattern.test(url))?.params,
  };
}

/** Where a forbidden key sits, e.g. `container.__proto__`. */
function keyPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * The first `__proto__` key, or `constructor` holding `prototype`, anywhere in a parsed body
 * (JSON.parse makes them harmless own properties, but code that merges objects later would not
 * be). Walks without recursion: a 1 MiB body can nest half a million levels deep.
 */
function findPoisonedKey(root: unknown): string | undefined {
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, keyPath(path, i)]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const itemPath = keyPath(path, key);
        if (key === '__proto__') return itemPath;
        const prototypeHolder = typeof item === 'object' && item !== null && 'prototype' in item;
        if (key === 'constructor' && prototypeHolder) return itemPath;
        stack.push([item, itemPath]);
      }
    }
  }
  return undefined;
}

/**
 * JSON bodies: an empty body is no body (a DELETE sent with a JSON content type is fine; submit
 * then says the task is missing); a syntax error names its position; poisoned keys are refused
 * with their path.
 */
function parseJsonBody(text: string): unknown {
  const trimmed = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (trimmed.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    throw malformedBody('JSON', (error as Error).message);
  }
  const poisoned = findPoisonedKey(value);
  if (poisoned !== undefined) {
    const key = poisoned.endsWith('__proto__') ? '__proto__' : 'constructor.prototype';
    throw malformedBody('JSON', `the key "${key}" is not allowed (at ${poisoned})`, poisoned);
  }
  return value;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const routes = createRouteTable();
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
    frameworkErrors: createFrameworkErrorHandler(routes),
    clientErrorHandler: createClientErrorHandler(routes),
    genReqId: requestIdOf,
  });
  app.addHook('onRoute', routes.record);
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  // Every answer names its request id, the `reqId` of the log lines about it.
  // Hooks on every request take `done` rather than being async: no promise per hook and request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  installErrorHandling(app, routes, options.bodyLimit);
  if (options.untilStarted) installStartWait(app, options.untilStarted);
  installHostCheck(app, options.hosts);
  installAccess(app, options.authentication);
  installV1QueryCheck(app);
  installAudit(app);
  installBodyParsers(app);
  if (options.debug) installDebugLogging(app);
  registerRoutes(app, options);
  return app;
}

/** Requests wait until the service has started; after that, the hook only reads a flag. */
function installStartWait(app: FastifyInstance, untilStarted: Promise<void>): void {
  let started = false;
  // A failed start is the server's to report; the requests waiting are answered by its close.
  untilStarted.then(
    () => (started = true),
    () => undefined,
  );
  app.addHook('onRequest', (_request, _reply, done) => {
    if (started) return done();
    untilStarted.then(() => done(), done);
  });
}

/** JSON and XML bodies are read as checked UTF-8 text; any other type is refused. */
function installBodyParsers(app: FastifyInstance): void {
  // No route reads text: Fastify's text/plain parser would hand submit a string to validate.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    let value: unknown;
    try {
      value = parseJsonBody(decodeUtf8(body as Buffer, 'JSON'));
      checkBodyText(value);
    } catch (error) {
      return done(error as Error, undefined);
    }
    done(null, value);
  });
  // XML stays text here; the route decodes it (xml-codec.ts), after these checks.
  app.addContentTypeParser(
    ['application/xml', 'text/xml'],
    { parseAs: 'buffer' },
    (_request, body, done) => {
      let text: string;
      try {
        text = decodeUtf8(body as Buffer, 'XML');
      } catch (error) {
        return done(error as Error, undefined);
      }
      done(null, text);
    },
  );
  // Any other type: refused (415) unless the body is empty — v1 delete "consumes text/plain"
  // in the spec, and clients send that header with no body.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) =>
    (body as Buffer).length === 0
      ? done(null, undefined)
      : done(unsupportedMediaType(request.headers['content-type']), undefined),
  );
}

/** `debug`: every request's headers and body, and every answer, in the log (secrets redacted). */
function installDebugLogging(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    request.log.debug({ headers: redactHeaders(request.headers), body: request.body }, 'request');
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const body = typeof payload === 'string' ? payload : '[not text]';
    request.log.debug(
      { statusCode: reply.statusCode, headers: redactHeaders(reply.getHeaders()), payload: body },
      'response',
    );
    return payload;
  });
}

/** The API routes, in the order their hooks need. */
function registerRoutes(app: FastifyInstance, options: ServerOptions): void {
  // This server's long-polls (state/{id}?wait=): answered at once when it closes.
  const longPolls: LongPolls = new Set();
  // Before the routes: its latency hook must see every one of them.
  registerMetrics(app, options.service);
  // Each route group is a plugin of its own: its hooks and decorations stay within it.
  const { service, tes: staging, eventBufferLimit: bufferLimit } = options;
  void app.register(jobProxyRoutes, { service, longPolls });
  if (staging) void app.register(tesRoutes, { service, staging });
  void app.register(eventsRoutes, { service, longPolls, bufferLimit });
  void app.register(dashboardApiRoutes, { service });
  void app.register(dashboardRoutes);
  void app.register(openApiRoutes);
}
