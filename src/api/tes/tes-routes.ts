/**
 * GA4GH TES 1.1 under /ga4gh/tes/v1 (specs/tes-1.1.openapi.yaml): service-info, list, create,
 * get and cancel, on the same task store as the v1 API. Errors answer the catalogue's JSON shape
 * through the one error handler (unknown id → 404, invalid task → 400 listing every problem).
 * The same operations also answer under /v1/tasks for py-tes 0.4.x clients (tes-legacy.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TaskService } from '../../core/task-service.js';
import type { TesStaging } from '../../core/tes-staging.js';
import { parseTesTask, TES_USER, type TesValidationOptions } from '../../model/validate-tes.js';
import { callerOf, visibleOwner } from '../caller.js';
import { rootsFor } from '../../model/allowed-roots.js';
import { encodePageToken, parseGetQuery, parseListQuery } from './tes-list-query.js';
import { LEGACY_TES_BASE, legacyServiceInfo, legacyTaskView } from './tes-legacy.js';
import { serviceInfo, type TesServiceInfo } from './tes-service-info.js';
import { minimalTesTask, tesTaskView, type TesTask } from './tes-task-view.js';

export const TES_BASE = '/ga4gh/tes/v1';

type QueryValues = Record<string, string | string[] | undefined>;

interface ListTasksResponse {
  tasks: TesTask[];
  next_page_token?: string;
}

/** The TES operations, independent of the path they are served at. */
interface TesOperations {
  serviceInfo(request: FastifyRequest): TesServiceInfo;
  list(request: FastifyRequest): ListTasksResponse;
  create(request: FastifyRequest): Promise<{ id: string }>;
  get(request: FastifyRequest<{ Params: { id: string } }>): TesTask;
  cancel(request: FastifyRequest<{ Params: { id: string } }>): Promise<Record<string, never>>;
}

/** Registers the five TES operations; `staging` knows the allowed roots and collected outputs. */
/** The TES routes and their compatibility aliases, as a fastify plugin (app.register). */
export async function tesRoutes(
  app: FastifyInstance,
  { service, staging }: { service: TaskService; staging: TesStaging },
): Promise<void> {
  const operations = createOperations(service, staging);
  app.get(`${TES_BASE}/service-info`, async (request) => operations.serviceInfo(request));
  registerTaskRoutes(app, TES_BASE, operations, (task) => task);
  // Compatibility aliases (not in the TES document): py-tes 0.4.x's paths and models.
  app.get(`${LEGACY_TES_BASE}/tasks/service-info`, async (request) =>
    legacyServiceInfo(operations.serviceInfo(request)),
  );
  registerTaskRoutes(app, LEGACY_TES_BASE, operations, legacyTaskView);
}

/** list, create, get and cancel under `base`, each task shown through `present`. */
function registerTaskRoutes(
  app: FastifyInstance,
  base: string,
  operations: TesOperations,
  present: (task: TesTask) => TesTask,
): void {
  app.get(`${base}/tasks`, async (request): Promise<ListTasksResponse> => {
    const page = operations.list(request);
    return { ...page, tasks: page.tasks.map(present) };
  });
  app.post(`${base}/tasks`, async (request) => operations.create(request));
  app.get<{ Params: { id: string } }>(`${base}/tasks/:id`, async (request) =>
    present(operations.get(request)),
  );
  // find-my-way: a regex ends the parameter so that `::` is the literal ':' of ":cancel".
  app.post<{ Params: { id: string } }>(`${base}/tasks/:id(^[^/:]+)::cancel`, async (request) =>
    operations.cancel(request),
  );
}

function createOperations(service: TaskService, staging: TesStaging): TesOperations {
  const backendParameters = service.backendInfo.supports.cputime ? ['cputime'] : [];
  const validation: TesValidationOptions = {
    allowedRoots: staging.allowedRoots,
    backendParameters,
    schemes: staging.storage.schemes,
  };
  const readOutputLogs = (id: string) => staging.readOutputLogs(id);
  return {
    serviceInfo: (request) =>
      serviceInfo({
        framework: service.framework,
        containers: service.containers,
        allowedRoots: staging.allowedRoots,
        backendParameters,
        schemes: staging.storage.schemes,
        baseUrl: `${request.protocol}://${request.host}/`,
      }),
    list: (request) => listTasks(service, request, readOutputLogs),
    create: async (request) => {
      // Resolved at start (containers: auto): read per task, and kept in the task.
      const inContainers = service.containers !== 'host';
      const containerRoot = inContainers ? staging.newContainerRoot() : undefined;
      const user = callerOf(request).user ?? TES_USER;
      const allowedRoots = rootsFor(user, validation.allowedRoots);
      const options = { ...validation, allowedRoots, containerRoot };
      const task = await service.accept(parseTesTask(request.body, options, user));
      request.auditTask = task.id;
      return { id: task.id };
    },
    get: (request) => {
      const view = parseGetQuery(request.query as QueryValues);
      const task = service.getTask(request.params.id, visibleOwner(callerOf(request)));
      return view === 'MINIMAL' ? minimalTesTask(task) : tesTaskView(task, view, readOutputLogs);
    },
    cancel: async (request) => {
      // A finished task stays as it is: cancelTask changes nothing then.
      await service.cancelTask(request.params.id, visibleOwner(callerOf(request)));
      return {};
    },
  };
}

/** One page of the caller's tasks; `next_page_token` when another page follows. */
function listTasks(
  service: TaskService,
  request: FastifyRequest,
  readOutputLogs: (id: string) => ReturnType<TesStaging['readOutputLogs']>,
): { tasks: TesTask[]; next_page_token?: string } {
  const { view, pageSize, store, matchesNothing } = parseListQuery(request.query as QueryValues);
  if (matchesNothing) return { tasks: [] };
  store.user = visibleOwner(callerOf(request));
  let tasks: TesTask[];
  let seqs: number[];
  if (view === 'MINIMAL') {
    const rows = service.listSummaries(store);
    tasks = rows.slice(0, pageSize).map(minimalTesTask);
    seqs = rows.map((row) => row.seq);
  } else {
    const rows = service.listTasks(store);
    tasks = rows.slice(0, pageSize).map((task) => tesTaskView(task, view, readOutputLogs));
    seqs = rows.map((row) => row.seq);
  }
  // One row more than a page was asked for: it exists, so another page follows.
  if (seqs.length <= pageSize) return { tasks };
  return { tasks, next_page_token: encodePageToken(seqs[pageSize - 1]!) };
}
