/**
 * The kubernetes framework: one batch/v1 Job per task, states from informers on this server's
 * Jobs and Pods (plus a full list every resyncInterval), output kept before the Job may be
 * removed, cancel that ends only once the Job and its pod are gone, and submits that wait while
 * the API server cannot be reached.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import {
  RetryableSubmitError,
  type Backend,
  type BackendContext,
  type FrameworkInfo,
  type JobReport,
} from '../backend.js';
import { isTerminal } from '../../model/states.js';
import type { TaskRecord, TaskSpec } from '../../model/task.js';
import { canSwitchUsers, poolIdentityOf } from '../run-as.js';
import { instanceId } from './instance-id.js';
import { deleteJobAndWait, expireJob, isOurJob, removeJob } from './job-calls.js';
import { buildJob, INSTANCE_LABEL, jobNameOf } from './job-spec.js';
import { reportOf } from './job-state.js';
import type { JobWatch } from './job-watch.js';
import { isTransient, messageOf, statusOf } from './api-errors.js';
import type { KubeClients } from './kube-client.js';
import { readKubernetesSettings, type KubernetesSettings } from './kubernetes-options.js';
import { OwnerUids } from './owner-uid.js';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { saveOutputs } from './pod-logs.js';
import { ownerFiles, SERVER_FILES, type OutputFiles } from '../local/owner-files.js';
import { makeOwnedDir, taskDirsOf } from '../local/task-dirs.js';
import { checkKubernetesTask } from './task-checks.js';
import { setTimeout as pause } from 'node:timers/promises';

const RETRY_MS = 2000;

export class KubernetesBackend implements Backend {
  readonly info: FrameworkInfo;
  private settings: KubernetesSettings;
  /** Made in init(): the client library loads only in a server that runs this framework. */
  private clients!: KubeClients;
  private readonly instance: string;
  private readonly uids: OwnerUids;
  private watch!: JobWatch;
  private readonly log: Logger;
  /** Unfinished tasks this server follows, by id (what watch events are matched against). */
  private readonly followed = new Map<string, TaskRecord>();
  /** When this server created each task's Job (a Job missing from a later full list is gone). */
  private readonly createdAt = new Map<string, number>();
  /** Tasks whose outcome is being kept (output read, then reported): ignore further events. */
  private readonly finishing = new Set<string>();
  private readonly lastSent = new Map<string, string>();
  /** Tasks whose end was reported, until the service no longer asks about them. */
  private finished = new Set<string>();
  private lastResync = 0;
  private resyncing: Promise<void> | undefined;

  constructor(private readonly context: BackendContext) {
    this.settings = readKubernetesSettings(context.options);
    this.instance = instanceId(this.settings.instance, context.stateDir, context.workdir);
    this.uids = new OwnerUids(this.settings.uidRange);
    this.log = context.log.child({ framework: 'kubernetes', instance: this.instance });
    this.info = {
      name: 'kubernetes',
      supports: {
        containers: true,
        ports: false,
        mounts: true,
        cores: true,
        memory: true,
        cputime: true,
        multipleExecutors: true,
      },
      pollStates: ['QUEUED', 'INITIALIZING', 'RUNNING'],
      containers: 'kubernetes',
      submitsInFlight: this.settings.submitConcurrency,
    };
  }

  async init(): Promise<void> {
    const containers = this.context.containers ?? 'auto';
    if (containers !== 'auto') {
      // TES paths would be taken as host paths the pods never see.
      throw new Error(
        `containers: ${containers} cannot be used with the kubernetes framework, which runs every executor in its image; leave containers at auto`,
      );
    }
    const { connect, namespaceOf } = await import('./kube-client.js');
    const { JobWatch } = await import('./job-watch.js');
    this.clients = connect(this.settings);
    this.settings = { ...this.settings, namespace: namespaceOf(this.settings, this.clients) };
    this.watch = new JobWatch(
      this.clients,
      this.settings.namespace,
      `${INSTANCE_LABEL}=${this.instance}`,
      (taskId) => this.evaluate(taskId),
      this.log,
    );
    this.watch.start();
    this.log.info(
      { server: this.clients.server, namespace: this.settings.namespace },
      'following Jobs',
    );
  }

  checkTask(spec: TaskSpec) {
    const roots = this.context.allowedRoots ?? [this.context.workdir];
    return checkKubernetesTask(spec, roots, this.settings.allowedClaims);
  }

  /** The owner's uid: from the store's identity pool, one of its own (never shared). */
  private uidOf(owner: string): number {
    const pooled = this.context.identityPool?.uidFor(owner) ?? this.uids.uidOf(owner);
    if (typeof pooled !== 'number') throw new Error(pooled.problem);
    return pooled;
  }

  /** How the task's output files are written: as its identity when the server is root. */
  private async filesOf(task: TaskRecord): Promise<OutputFiles> {
    if (!canSwitchUsers()) return SERVER_FILES;
    const uid = this.uidOf(task.spec.user);
    const identity = poolIdentityOf(uid);
    const { taskDir } = taskDirsOf(this.context.workdir, this.context.stateDir, task.id);
    await mkdir(dirname(taskDir), { recursive: true, mode: 0o711 });
    await makeOwnedDir(taskDir, identity);
    return ownerFiles(identity, taskDir);
  }

  async submit(task: TaskRecord): Promise<string> {
    const uid = this.uidOf(task.spec.user);
    // The task's host root is its owner's already: made for it and staged as it (tes-staging.ts).
    const job = buildJob({ task, settings: this.settings, instance: this.instance, uid });
    const name = jobNameOf(task.id);
    this.followed.set(task.id, task);
    try {
      await this.clients.batch.createNamespacedJob({
        namespace: this.settings.namespace,
        body: job,
      });
    } catch (error) {
      // A create whose answer was lost and is tried again: the Job is there, and it is this one.
      const namespace = this.settings.namespace;
      if (
        statusOf(error) === 409 &&
        (await isOurJob(this.clients, namespace, name, this.instance))
      ) {
        return name;
      }
      this.followed.delete(task.id);
      throw this.submitFailure(task, error);
    }
    this.createdAt.set(task.id, Date.now());
    return name;
  }

  async cancel(task: TaskRecord): Promise<void> {
    this.followed.delete(task.id);
    const name = task.jobId ?? jobNameOf(task.id);
    const deadline = Date.now() + (this.settings.killGrace + 60) * 1000;
    for (;;) {
      try {
        const { namespace, killGrace } = this.settings;
        if (await deleteJobAndWait(this.clients, namespace, name, killGrace, deadline)) return;
      } catch (error) {
        if (!isTransient(error) || Date.now() > deadline) throw new Error(messageOf(error));
      }
      if (Date.now() > deadline) throw new Error(`the Job ${name} was not gone in time`);
      await pause(500);
    }
  }

  async poll(tasks: TaskRecord[]): Promise<Map<string, JobReport>> {
    // An end is reported once, even while the service still stores it (TES outputs).
    this.finished = new Set(tasks.filter((t) => this.finished.has(t.id)).map((t) => t.id));
    tasks = tasks.filter((t) => !this.finished.has(t.id));
    for (const task of tasks) this.followed.set(task.id, task);
    if (Date.now() - this.lastResync > this.settings.resyncInterval * 1000) void this.resync();
    const reports = new Map<string, JobReport>();
    for (const task of tasks) {
      const report = this.reportFor(task);
      if (report) reports.set(task.id, report);
    }
    return reports;
  }

  async recover(tasks: TaskRecord[]): Promise<void> {
    for (const task of tasks) this.followed.set(task.id, task);
    this.log.info({ tasks: tasks.length }, 're-attaching to Jobs by label');
  }

  async close(): Promise<void> {
    await this.watch?.stop();
    await this.resyncing?.catch(() => undefined);
  }

  /** Called by the watch when a task's Job or pod changed. */
  private evaluate(taskId: string): void {
    const task = this.followed.get(taskId);
    if (!task) return;
    const report = this.reportFor(task);
    if (report) this.context.report(taskId, report);
  }

  /** A report worth sending now (a change), or undefined; a terminal one starts finishing. */
  private reportFor(task: TaskRecord): JobReport | undefined {
    if (this.finishing.has(task.id) || !this.watch.synced) return undefined;
    const job = this.watch.jobOf(task.id);
    const pod = this.watch.podOf(task.id);
    const report = reportOf(job, pod, {
      resources: task.spec.resources,
      executorCount: task.spec.executors.length,
      unschedulableTimeout: this.settings.unschedulableTimeout,
      now: new Date(),
    });
    if (!report) return undefined;
    if (isTerminal(report.state)) {
      void this.finish(task, report, pod);
      return undefined;
    }
    const key = `${report.state}|${report.description}`;
    if (this.lastSent.get(task.id) === key) return undefined;
    this.lastSent.set(task.id, key);
    return report;
  }

  /** Keeps the output, reports the end, then lets Kubernetes remove the Job after its TTL. */
  private async finish(task: TaskRecord, report: JobReport, pod: V1Pod | undefined) {
    this.finishing.add(task.id);
    const phase = pod?.status?.phase;
    const stuck = phase === 'Pending' || phase === 'Running';
    let final = report;
    for (let attempt = 0; pod !== undefined; attempt++) {
      try {
        await saveOutputs(
          this.clients,
          this.settings.namespace,
          pod,
          task,
          await this.filesOf(task),
        );
        break;
      } catch (error) {
        if (attempt < 30 && isTransient(error)) {
          await pause(RETRY_MS);
          continue;
        }
        const reason = `reading the pod's output failed: ${messageOf(error)}`;
        final = { ...report, systemLog: [report.systemLog, reason].filter(Boolean).join('; ') };
        break;
      }
    }
    this.followed.delete(task.id);
    this.lastSent.delete(task.id);
    this.createdAt.delete(task.id);
    this.finished.add(task.id);
    this.context.report(task.id, final);
    this.finishing.delete(task.id);
    const name = task.jobId ?? jobNameOf(task.id);
    const expired = stuck
      ? removeJob(this.clients, this.settings.namespace, name)
      : expireJob(this.clients, this.settings.namespace, name, this.settings.ttlAfterFinished);
    await expired.catch((error: unknown) =>
      this.log.warn({ job: name, err: error }, 'removing or expiring a finished Job failed'),
    );
  }

  private async resync(): Promise<void> {
    if (this.resyncing) return;
    const started = Date.now();
    this.resyncing = this.watch
      .resync()
      .then(() => {
        this.lastResync = started;
        this.reportGoneJobs(started);
      })
      .catch((error: unknown) => this.log.warn({ err: error }, 'listing Jobs and Pods failed'))
      .finally(() => {
        this.resyncing = undefined;
      });
    await this.resyncing;
  }

  /** Tasks whose Job a full list made after their creation does not show: removed by someone. */
  private reportGoneJobs(listedAt: number): void {
    for (const [taskId, task] of this.followed) {
      if (this.finishing.has(taskId) || this.watch.jobOf(taskId)) continue;
      if ((this.createdAt.get(taskId) ?? 0) >= listedAt || task.jobId === null) continue;
      const description = `its Job ${task.jobId} is gone (deleted outside JobProxy)`;
      this.followed.delete(taskId);
      this.context.report(taskId, {
        state: 'SYSTEM_ERROR',
        exitCode: null,
        description,
        systemLog: description,
      });
    }
  }

  private submitFailure(task: TaskRecord, error: unknown): Error {
    const message = `the API server ${this.clients.server}: ${messageOf(error)}`;
    const waited = (Date.now() - new Date(task.created).getTime()) / 1000;
    if (isTransient(error) && waited < this.settings.submitRetryDeadline) {
      return new RetryableSubmitError(message, RETRY_MS);
    }
    return new Error(message);
  }
}

export function createKubernetesBackend(context: BackendContext): Backend {
  return new KubernetesBackend(context);
}
