/**
 * Informers (list, then watch from the list's resourceVersion) on this server's Jobs and Pods,
 * selected by the instance label, kept as maps by task id. A watch that fails is started again
 * after a pause (it resumes from the last resourceVersion, or lists again when that is too old);
 * `resync` lists both again in full, for what a watch could have missed.
 */
import {
  ListWatch,
  type Informer,
  type KubernetesObject,
  type ObjectCache,
  type V1Job,
  type V1Pod,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { TASK_LABEL } from './job-spec.js';
import type { KubeClients } from './kube-client.js';
import { StoppableWatch } from './stoppable-watch.js';

const RESTART_MS = [500, 1000, 2000, 5000];

interface Watched<T extends KubernetesObject> {
  informer: Informer<T> & ObjectCache<T>;
  byTask: Map<string, T>;
  failures: number;
  timer?: NodeJS.Timeout;
  synced: boolean;
}

export class JobWatch {
  private readonly jobs: Watched<V1Job>;
  private readonly pods: Watched<V1Pod>;
  private stopped = false;

  constructor(
    private readonly clients: KubeClients,
    private readonly namespace: string,
    private readonly selector: string,
    private readonly changed: (taskId: string) => void,
    private readonly log: Logger,
  ) {
    const { batch, core } = clients;
    this.jobs = this.watch<V1Job>(`/apis/batch/v1/namespaces/${namespace}/jobs`, () =>
      batch.listNamespacedJob({ namespace, labelSelector: selector }),
    );
    this.pods = this.watch<V1Pod>(`/api/v1/namespaces/${namespace}/pods`, () =>
      core.listNamespacedPod({ namespace, labelSelector: selector }),
    );
  }

  /** True once both informers listed at least once. */
  get synced(): boolean {
    return this.jobs.synced && this.pods.synced;
  }

  start(): void {
    void this.jobs.informer.start();
    void this.pods.informer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const watched of [this.jobs, this.pods] as Watched<KubernetesObject>[]) {
      clearTimeout(watched.timer);
      await watched.informer.stop();
    }
  }

  jobOf(taskId: string): V1Job | undefined {
    return this.jobs.byTask.get(taskId);
  }

  /** The task's newest pod (a Job with backoffLimit 0 has one). */
  podOf(taskId: string): V1Pod | undefined {
    return this.pods.byTask.get(taskId);
  }

  /** Lists Jobs and Pods again and replaces what the maps hold; throws when the server fails. */
  async resync(): Promise<void> {
    const { batch, core } = this.clients;
    const [jobs, pods] = await Promise.all([
      batch.listNamespacedJob({ namespace: this.namespace, labelSelector: this.selector }),
      core.listNamespacedPod({ namespace: this.namespace, labelSelector: this.selector }),
    ]);
    this.replace(this.jobs, jobs.items);
    this.replace(this.pods, pods.items);
  }

  private replace<T extends KubernetesObject>(watched: Watched<T>, items: T[]): void {
    const before = new Set(watched.byTask.keys());
    watched.byTask.clear();
    for (const item of items) this.put(watched, item, false);
    watched.synced = true;
    for (const taskId of new Set([...before, ...watched.byTask.keys()])) this.changed(taskId);
  }

  private put<T extends KubernetesObject>(watched: Watched<T>, item: T, notify = true): void {
    const taskId = item.metadata?.labels?.[TASK_LABEL];
    if (!taskId) return;
    const held = watched.byTask.get(taskId);
    const newer =
      !held ||
      held.metadata?.uid === item.metadata?.uid ||
      new Date(item.metadata?.creationTimestamp ?? 0) >=
        new Date(held.metadata?.creationTimestamp ?? 0);
    if (newer) watched.byTask.set(taskId, item);
    if (notify) this.changed(taskId);
  }

  private remove<T extends KubernetesObject>(watched: Watched<T>, item: T): void {
    const taskId = item.metadata?.labels?.[TASK_LABEL];
    if (!taskId || watched.byTask.get(taskId)?.metadata?.uid !== item.metadata?.uid) return;
    watched.byTask.delete(taskId);
    this.changed(taskId);
  }

  private watch<T extends KubernetesObject>(
    path: string,
    list: () => Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>,
  ): Watched<T> {
    const informer = new ListWatch<T>(
      path,
      new StoppableWatch(this.clients.config, () => this.stopped),
      async () => {
        const answer = await list();
        watched.synced = true;
        watched.failures = 0;
        return { ...answer, apiVersion: 'v1', kind: 'List', metadata: answer.metadata ?? {} };
      },
      false,
      this.selector,
    );
    const watched: Watched<T> = { informer, byTask: new Map(), failures: 0, synced: false };
    informer.on('add', (item) => this.put(watched, item));
    informer.on('update', (item) => this.put(watched, item));
    informer.on('delete', (item) => this.remove(watched, item));
    informer.on('error', (error: unknown) => {
      if (this.stopped) return;
      const pause = RESTART_MS[Math.min(watched.failures++, RESTART_MS.length - 1)]!;
      this.log.warn({ path, err: error, retryInMs: pause }, 'watch failed; starting it again');
      watched.timer = setTimeout(() => void informer.start(), pause);
      watched.timer.unref();
    });
    return watched;
  }
}
