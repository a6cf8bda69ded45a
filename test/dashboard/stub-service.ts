/**
 * A server built in-process (inject(), no port) over an in-memory store and a stub framework
 * whose submit can be made to fail: for tests of routes, documents, metrics and logs that need
 * no real framework.
 */
import { join } from 'node:path';
import { after } from 'node:test';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { pino, type Logger } from 'pino';
import { hostPolicy } from '../../src/api/host-check.js';
import { buildServer } from '../../src/api/build-server.js';
import type { Backend, JobReport } from '../../src/backends/backend.js';
import { TesStaging } from '../../src/core/tes-staging.js';
import { TaskService } from '../../src/core/task-service.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { tempDir } from '../helpers/test-server.js';

export interface StubOptions {
  /** The stub framework's submit (default: accepts, job id = task id). */
  submit?: Backend['submit'];
  log?: Logger;
  debug?: boolean;
  onRoute?: (route: RouteOptions) => void;
}

export interface StubServer {
  app: FastifyInstance;
  service: TaskService;
  /** Reports a job's state as the framework would. */
  report(taskId: string, report: JobReport): void;
}

/** A stub framework: supports everything, runs nothing. */
function stubBackend(submit: Backend['submit']): Backend {
  return {
    info: {
      name: 'stub',
      supports: {
        containers: true,
        ports: true,
        mounts: true,
        cores: true,
        memory: true,
        cputime: true,
        multipleExecutors: true,
      },
      pollStates: ['RUNNING'],
      containers: 'host',
    },
    submit,
    async cancel() {},
    async poll() {
      return new Map();
    },
    async recover() {},
    async close() {},
  };
}

/** Builds the full server (v1, TES, dashboard, events, metrics) on the stub; closed after the file. */
export async function buildStubServer(options: StubOptions = {}): Promise<StubServer> {
  const log = options.log ?? pino({ level: 'silent' });
  const workdir = tempDir('jobproxy-stub-');
  const store = openSqliteStore(':memory:');
  const service = new TaskService({
    store,
    backend: stubBackend(options.submit ?? (async (task) => task.id)),
    workdir,
    pollInterval: 60_000,
    containers: 'host',
    allowedRoots: [workdir],
    log,
  });
  const tes = new TesStaging({
    workdir,
    stateDir: join(workdir, '..', 'state'),
    allowedRoots: [],
    log,
  });
  const app = await buildServer({
    service,
    log,
    bodyLimit: 1024 * 1024,
    debug: options.debug ?? false,
    tes,
    onRoute: options.onRoute,
    authentication: 'none',
    hosts: hostPolicy('http://localhost:9999/', []),
  });
  await service.start();
  after(async () => {
    await app.close();
    await service.close();
    store.close();
  });
  return { app, service, report: (taskId, report) => service.applyReport(taskId, report) };
}
