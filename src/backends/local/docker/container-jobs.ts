/**
 * The container side of the local framework: which engine runs images (the `containers` key:
 * auto | docker | podman | host), the container tasks now running, and their recovery after a
 * restart. The local backend keeps the one capacity queue and hands container tasks here.
 */
import type { IdentityPool } from '../../identity-pool.js';
import { ownerFiles, SERVER_FILES } from '../owner-files.js';
import { makeOwnedDir, taskDirsOf } from '../task-dirs.js';
import { resolveRunAs, type RunAsOptions } from '../../run-as.js';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { FrameworkSupport, ReportJob } from '../../backend.js';
import type { FieldProblem } from '../../../errors.js';
import type { TaskRecord, TaskSpec } from '../../../model/task.js';
import { readCpuHardLimit } from './container-config.js';
import { ContainerTask, type ContainerRunContext } from './container-task.js';
import { DockerEngine, isEngineUnreachable, type TaskContainer } from './engine.js';
import { checkMountRoots } from './mount-roots.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** The local options this module reads (see local-framework.ts). */
export interface ContainerOptions extends RunAsOptions {
  dockerSocket: string;
  engineWait: number;
  publishAddress: string;
}

export interface ContainerJobsSetup {
  options: ContainerOptions;
  /** The operator's `containers` key: auto, docker, podman or host. */
  configured: string;
  workdir: string;
  /** The server's private directory: the instance id lives there. */
  stateDir: string;
  identityPool?: IdentityPool;
  allowedRoots: readonly string[];
  report: ReportJob;
  log: Logger;
}

/** A job id that says the task runs in containers, so a restart recovers it as one. */
const JOB_PREFIX = 'container:';
const PING_TIMEOUT_MS = 5000;
const ENGINE_MODES = ['auto', 'docker', 'podman', 'host'];

/** What a recovered container task needs from the backend. */
export interface RecoveryHooks {
  /** It never started: queue it again. */
  enqueue(task: TaskRecord): void;
  /** It started: hold its capacity and resume it with the containers found. */
  resume(task: TaskRecord, found: TaskContainer[]): void;
}

export class ContainerJobs {
  private readonly setup: ContainerJobsSetup;
  private readonly engine: DockerEngine;
  private readonly running = new Map<string, ContainerTask>();
  private instanceId: string | undefined;
  private closed = false;
  /** The resolved mode: docker or podman (images run in containers) or host (image ignored). */
  mode: string;

  constructor(setup: ContainerJobsSetup) {
    if (!ENGINE_MODES.includes(setup.configured)) {
      throw new Error(
        `the local framework runs images with docker or podman (or host: image ignored), not "${setup.configured}"; set containers to auto, docker, podman or host`,
      );
    }
    this.setup = setup;
    this.engine = new DockerEngine(setup.options.dockerSocket);
    // Until init() asks the engine, auto means "no engine known yet".
    this.mode = setup.configured === 'auto' ? 'host' : setup.configured;
  }

  /** What the framework honours in this mode. */
  supports(): Pick<FrameworkSupport, 'containers' | 'ports' | 'mounts'> {
    const engine = this.mode !== 'host';
    return {
      // Explicit host: container tasks are accepted and their command runs on the host.
      containers: engine || this.setup.configured === 'host',
      ports: engine,
      mounts: engine,
    };
  }

  /** Resolves `auto` by asking the engine; explicit modes stay as the operator set them. */
  async init(): Promise<void> {
    const { configured, log, options } = this.setup;
    if (configured === 'host') return;
    try {
      const version = await this.engine.version(AbortSignal.timeout(PING_TIMEOUT_MS));
      if (configured === 'auto') this.mode = /podman/i.test(version.engine) ? 'podman' : 'docker';
      log.info(
        { socket: options.dockerSocket, ...version, containers: this.mode },
        'container engine answers',
      );
    } catch (error) {
      const reason = (error as Error).message;
      if (configured === 'auto') {
        log.info(
          { socket: options.dockerSocket, reason },
          'no container engine answers: images are not run (containers: host)',
        );
      } else {
        log.warn(
          { socket: options.dockerSocket, reason },
          `containers: ${configured}, but the engine does not answer yet`,
        );
      }
    }
  }

  /** True when this task runs in containers (decided once: a restarted server keeps to it). */
  handles(task: TaskRecord): boolean {
    if (task.jobId !== null) return task.jobId.startsWith(JOB_PREFIX);
    return this.mode !== 'host' && task.spec.executors.some((e) => e.image !== undefined);
  }

  /** The job id submit answers for a task. */
  jobIdOf(task: TaskRecord): string {
    return this.handles(task) ? JOB_PREFIX + task.id : task.id;
  }

  /** Problems refused with 400 at submit: mounts outside the allowed roots. */
  checkTask(spec: TaskSpec): FieldProblem[] {
    return this.mode === 'host' ? [] : checkMountRoots(spec, this.setup.allowedRoots);
  }

  /** Starts a task in containers; `onEnd` runs once it ended (its capacity is free again). */
  start(task: TaskRecord, cpus: number[], onEnd: () => void, found?: TaskContainer[]): void {
    const runner = new ContainerTask(this.runContext(), task, cpus);
    this.running.set(task.id, runner);
    void runner.run(found).finally(() => {
      this.running.delete(task.id);
      onEnd();
    });
  }

  /** Kills and removes a task's container; resolves when it no longer runs. */
  async cancel(taskId: string): Promise<void> {
    await this.running.get(taskId)?.cancel();
  }

  /** The server closes: stop following every task; their containers keep running. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.running.values()].map((runner) => runner.detach()));
  }

  /**
   * After a restart: each container task is resumed with the containers found by label, queued
   * again if it never started, or failed if the engine does not answer within engineWait.
   * Containers of this server whose task is finished are removed.
   */
  async recover(tasks: TaskRecord[], hooks: RecoveryHooks): Promise<void> {
    // No engine in use and nothing to recover: no leftovers to look for either.
    if (tasks.length === 0 && this.mode === 'host') return;
    try {
      await this.reattach(tasks, hooks, await this.engine.listContainers(this.instance()));
    } catch (error) {
      const waits = isEngineUnreachable(error) && this.setup.options.engineWait > 0;
      if (!waits || tasks.length === 0) return this.failRecovery(tasks, error);
      // Waiting for the engine must not hold up the server's start: go on in the background.
      void this.listWithWait().then(
        (containers) => this.reattach(tasks, hooks, containers),
        (late: unknown) => this.failRecovery(tasks, late),
      );
    }
  }

  private async reattach(
    tasks: TaskRecord[],
    hooks: RecoveryHooks,
    containers: TaskContainer[],
  ): Promise<void> {
    if (this.closed) return;
    const ids = new Set(tasks.map((t) => t.id));
    for (const task of tasks) {
      const found = containers.filter((c) => c.task === task.id);
      const begun = found.length > 0 || task.results.some((r) => r.exitCode !== null);
      if (begun) hooks.resume(task, found);
      else hooks.enqueue(task);
    }
    for (const leftover of containers.filter((c) => !ids.has(c.task))) {
      this.setup.log.info(
        { task: leftover.task, container: leftover.id },
        'removing the container of a finished task',
      );
      await this.engine.remove(leftover.id).catch(() => undefined);
    }
  }

  private failRecovery(tasks: TaskRecord[], error: unknown): void {
    const reason = (error as Error).message;
    if (tasks.length === 0) {
      this.setup.log.info({ reason }, 'could not look for containers left by an earlier server');
    }
    if (this.closed) return;
    for (const task of tasks) {
      this.setup.report(task.id, {
        state: 'SYSTEM_ERROR',
        description: `could not re-attach to the task's containers: ${reason}`,
        systemLog: reason,
        ended: new Date().toISOString(),
      });
    }
  }

  private async listWithWait(): Promise<TaskContainer[]> {
    const deadline = Date.now() + this.setup.options.engineWait * 1000;
    for (;;) {
      try {
        return await this.engine.listContainers(this.instance());
      } catch (error) {
        if (!isEngineUnreachable(error) || Date.now() >= deadline || this.closed) throw error;
        await sleep(1000, undefined, { ref: false });
      }
    }
  }

  private runContext(): ContainerRunContext {
    return {
      engine: this.engine,
      instance: this.instance(),
      publishAddress: this.setup.options.publishAddress,
      userOf: (owner) => {
        const { identity } = resolveRunAs(owner, this.setup.options, this.setup.identityPool);
        return identity ? `${identity.uid}:${identity.gid}` : undefined;
      },
      outputFilesOf: async (task) => {
        const { identity, problem } = resolveRunAs(
          task.spec.user,
          this.setup.options,
          this.setup.identityPool,
        );
        if (problem) throw new Error(problem);
        const { taskDir } = taskDirsOf(this.setup.workdir, this.setup.stateDir, task.id);
        await makeOwnedDir(taskDir, identity);
        return identity ? ownerFiles(identity, taskDir) : SERVER_FILES;
      },
      cpuHardLimit: readCpuHardLimit(),
      engineWaitMs: this.setup.options.engineWait * 1000,
      report: this.setup.report,
      log: this.setup.log,
    };
  }

  /**
   * This server's id on its containers (label jobproxy.instance), kept in the private state so
   * a restarted server on the same state and store finds its containers, and no other's. An
   * older server kept it in the work directory: that id is carried over.
   */
  private instance(): string {
    if (this.instanceId) return this.instanceId;
    const path = join(this.setup.stateDir, 'instance-id');
    try {
      this.instanceId = readFileSync(path, 'utf8').trim();
    } catch {
      mkdirSync(this.setup.stateDir, { recursive: true, mode: 0o700 });
      try {
        writeFileSync(path, `${legacyInstanceId(this.setup.workdir) ?? randomUUID()}\n`, {
          flag: 'wx',
        });
      } catch {
        // Another writer made it first: read theirs.
      }
      this.instanceId = readFileSync(path, 'utf8').trim();
    }
    return this.instanceId;
  }
}

/** The instance id an older server kept in the work directory, if any. */
function legacyInstanceId(workdir: string): string | undefined {
  try {
    return readFileSync(join(workdir, 'instance-id'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
