/**
 * Prometheus metrics at `GET /metrics` (prom-client, one registry per server): tasks by state and
 * framework (counted in the store at scrape time), submit and end counters, time queued and time
 * running, HTTP latency, framework call errors, store size and framework capacity in use.
 */
import { JobProxyError } from '../errors.js';
import { callerOf } from './caller.js';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FrameworkError, TaskChange, TaskEvent, TaskService } from '../core/task-service.js';
import { isTerminal, TASK_STATES } from '../model/states.js';

/** Buckets for task times, seconds: a second to a day. */
const TASK_SECONDS = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600, 86400];
/** Buckets for HTTP latency, seconds. */
const HTTP_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Routes whose "latency" is how long a client stayed connected, not how fast we answered. */
const STREAM_ROUTES = new Set(['/v1/jobproxy/events']);

const seconds = (from: string, to: string): number =>
  Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

/** The gauges read at scrape time: from the store and the framework, never kept up by hand. */
function registerScrapeGauges(registry: Registry, service: TaskService): void {
  registerStoreGauges(registry, service);
  registerFrameworkGauges(registry, service);
}

/** Tasks by state and the store's size on disk. */
function registerStoreGauges(registry: Registry, service: TaskService): void {
  const framework = service.framework;
  new Gauge({
    name: 'jobproxy_tasks',
    help: 'Tasks in the store, by state and framework',
    labelNames: ['state', 'framework'],
    registers: [registry],
    collect() {
      this.reset();
      for (const state of TASK_STATES) this.set({ state, framework }, 0);
      for (const row of service.stats.countByState()) {
        this.set({ state: row.state, framework: row.framework }, row.count);
      }
    },
  });
  new Gauge({
    name: 'jobproxy_store_bytes',
    help: 'Size of the task store on disk (database and write-ahead log), bytes',
    registers: [registry],
    collect() {
      this.set(service.stats.fileBytes());
    },
  });
}

/** What the framework holds and runs, when it can tell. */
function registerFrameworkGauges(registry: Registry, service: TaskService): void {
  const framework = service.framework;
  new Gauge({
    name: 'jobproxy_framework_cores',
    help: 'Cores the framework holds for running tasks (kind="used") and may use (kind="total")',
    labelNames: ['framework', 'kind'],
    registers: [registry],
    collect() {
      this.reset();
      const cores = service.frameworkCapacity()?.cores;
      if (cores) {
        this.set({ framework, kind: 'used' }, cores.used);
        this.set({ framework, kind: 'total' }, cores.total);
      }
    },
  });
  new Gauge({
    name: 'jobproxy_framework_memory_bytes',
    help: 'Memory the framework holds for running tasks (kind="used") and may use (kind="total")',
    labelNames: ['framework', 'kind'],
    registers: [registry],
    collect() {
      this.reset();
      const memory = service.frameworkCapacity()?.memoryMiB;
      if (memory) {
        this.set({ framework, kind: 'used' }, memory.used * 1024 * 1024);
        this.set({ framework, kind: 'total' }, memory.total * 1024 * 1024);
      }
    },
  });
  new Gauge({
    name: 'jobproxy_framework_jobs',
    help: 'Jobs the framework runs (kind="running") or holds in its queue (kind="queued")',
    labelNames: ['framework', 'kind'],
    registers: [registry],
    collect() {
      this.reset();
      const capacity = service.frameworkCapacity();
      if (capacity?.running !== undefined)
        this.set({ framework, kind: 'running' }, capacity.running);
      if (capacity?.queued !== undefined) this.set({ framework, kind: 'queued' }, capacity.queued);
    },
  });
}

/** The counters and histograms of tasks and framework calls, with their zero series. */
function createTaskCounters(registry: Registry, framework: string) {
  const submitted = new Counter({
    name: 'jobproxy_tasks_submitted_total',
    help: 'Tasks accepted, by framework and API (origin="v1"|"tes")',
    labelNames: ['framework', 'origin'],
    registers: [registry],
  });
  const ended = new Counter({
    name: 'jobproxy_tasks_ended_total',
    help: 'Tasks that reached a terminal state, by framework and state',
    labelNames: ['framework', 'state'],
    registers: [registry],
  });
  const queued = new Histogram({
    name: 'jobproxy_task_queued_seconds',
    help: 'Time from accepted to started, seconds',
    labelNames: ['framework'],
    buckets: TASK_SECONDS,
    registers: [registry],
  });
  const running = new Histogram({
    name: 'jobproxy_task_running_seconds',
    help: 'Time from started to ended, seconds, by terminal state',
    labelNames: ['framework', 'state'],
    buckets: TASK_SECONDS,
    registers: [registry],
  });
  const frameworkErrors = new Counter({
    name: 'jobproxy_framework_errors_total',
    help: 'Calls to the framework that failed, by operation (submit, cancel, poll)',
    labelNames: ['framework', 'operation'],
    registers: [registry],
  });
  // Zero series exist from the start, so rates work before the first event.
  for (const state of TASK_STATES) if (isTerminal(state)) ended.inc({ framework, state }, 0);
  for (const operation of ['submit', 'cancel', 'poll'])
    frameworkErrors.inc({ framework, operation }, 0);
  return { submitted, ended, queued, running, frameworkErrors };
}

/** Counters and histograms fed by the task service's events; returns how to stop listening. */
function registerTaskCounters(registry: Registry, service: TaskService): () => void {
  const framework = service.framework;
  const { submitted, ended, queued, running, frameworkErrors } = createTaskCounters(
    registry,
    framework,
  );
  const onAccepted = (event: TaskEvent): void => {
    submitted.inc({ framework, origin: event.origin ?? 'unknown' });
  };
  const onChange = (change: TaskChange): void => {
    const task = change.times ?? safeTask(service, change.id);
    if (!task) return;
    const leftQueue = change.from === 'QUEUED' || change.from === 'INITIALIZING';
    if (leftQueue && task.started && (change.to === 'RUNNING' || isTerminal(change.to))) {
      queued.observe({ framework }, seconds(task.created, task.started));
    }
    if (isTerminal(change.to)) {
      ended.inc({ framework, state: change.to });
      if (task.started && task.ended) {
        running.observe({ framework, state: change.to }, seconds(task.started, task.ended));
      }
    }
  };
  const onFrameworkError = (error: FrameworkError): void => {
    frameworkErrors.inc({ framework, operation: error.operation });
  };
  service.events.on('accepted', onAccepted);
  service.events.on('change', onChange);
  service.events.on('framework-error', onFrameworkError);
  return () => {
    service.events.off('accepted', onAccepted);
    service.events.off('change', onChange);
    service.events.off('framework-error', onFrameworkError);
  };
}

function safeTask(
  service: TaskService,
  id: string,
): ReturnType<TaskService['getTask']> | undefined {
  try {
    return service.getTask(id);
  } catch {
    return undefined;
  }
}

/** HTTP request latency of every answered request, by method, route pattern and status. */
function registerHttpLatency(app: FastifyInstance, registry: Registry): void {
  const latency = new Histogram({
    name: 'jobproxy_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, seconds, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: HTTP_SECONDS,
    registers: [registry],
  });
  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL: task ids would make a series per task.
    const route = request.routeOptions.url ?? 'unmatched';
    if (!STREAM_ROUTES.has(route)) {
      latency.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    }
    done();
  });
}

/** Registers `GET /metrics` and the hooks and listeners that feed it. */
export function registerMetrics(app: FastifyInstance, service: TaskService): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerScrapeGauges(registry, service);
  const stopListening = registerTaskCounters(registry, service);
  registerHttpLatency(app, registry);
  app.addHook('onClose', async () => stopListening());

  app.get('/metrics', async (request, reply) => {
    // With authentication on, the whole server's figures are for admins.
    if (!callerOf(request).admin) {
      throw new JobProxyError('FORBIDDEN', { problem: '/metrics needs an admin token' });
    }
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}
