/**
 * The v1 additions the dashboard reads (documented in the v1 OpenAPI): one task in full
 * (`detail/{id}`), cancel keeping the record (`cancel/{id}`), and the overview (counts per state,
 * framework capacity, the last hour per state). Every route shows only what the caller may see.
 */
import type { FastifyInstance } from 'fastify';
import type { TaskService } from '../../core/task-service.js';
import type { TaskState } from '../../model/states.js';
import { callerOf, visibleOwner } from '../caller.js';
import { recordToState } from '../v1-state-view.js';
import { buildStateChart, CHART_BUCKETS, CHART_BUCKET_SECONDS } from './state-chart.js';

/** Registers detail/{id}, cancel/{id} and overview under /v1/jobproxy. */
/** The dashboard's own reads, as a fastify plugin (app.register). */
export async function dashboardApiRoutes(
  app: FastifyInstance,
  { service }: { service: TaskService },
): Promise<void> {
  app.get<{ Params: { id: string } }>('/v1/jobproxy/detail/:id', async (request) => {
    const task = service.getTask(request.params.id, visibleOwner(callerOf(request)));
    return {
      state: recordToState(task),
      spec: task.spec,
      history: service.stats.stateHistory(task.id),
      jobId: task.jobId,
      systemLogs: task.systemLogs,
    };
  });

  app.post<{ Params: { id: string } }>('/v1/jobproxy/cancel/:id', async (request) => {
    const owner = visibleOwner(callerOf(request));
    const task = await service.cancelTask(request.params.id, owner);
    request.log.info({ task: task.id, user: task.spec.user }, 'task canceled');
    return recordToState(task);
  });

  app.get('/v1/jobproxy/overview', async (request) => {
    const owner = visibleOwner(callerOf(request));
    const counts: Partial<Record<TaskState, number>> = {};
    for (const row of service.stats.countByState(owner)) {
      counts[row.state] = (counts[row.state] ?? 0) + row.count;
    }
    const now = new Date();
    const since = new Date(now.getTime() - CHART_BUCKETS * CHART_BUCKET_SECONDS * 1000);
    const changes = service.stats.stateChangesSince(since.toISOString(), owner);
    const capacity = service.frameworkCapacity();
    return {
      framework: service.framework,
      counts,
      ...(capacity ? { capacity } : {}),
      chart: buildStateChart(changes, now),
    };
  });
}
