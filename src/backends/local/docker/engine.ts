/**
 * The Docker Engine API as the local framework uses it, over a unix socket (dockerd, or Podman's
 * Docker-compatible service). This module alone holds the dockerode client; the rest of the
 * framework sees containers by id and plain results. dockerode is imported on the first call
 * that needs it: the version probe and the container listing of every start are plain GETs
 * (engine-get.ts), so a server that never runs a container never loads it.
 */
import type Docker from 'dockerode';
import type { ContainerCreateOptions, ContainerInfo, ContainerInspectInfo } from 'dockerode';
import { engineGet } from './engine-get.js';

/** The label every JobProxy container carries: the task id. */
export const LABEL_TASK = 'jobproxy.task';
/** The executor index (0-based) within the task. */
export const LABEL_EXECUTOR = 'jobproxy.executor';
/** Which server (store + workdir) owns the container, so a server finds its own and no others. */
export const LABEL_INSTANCE = 'jobproxy.instance';

/** The engine could not be reached (socket missing, refused, or the connection dropped). */
export class EngineUnavailableError extends Error {
  constructor(socketPath: string, cause: string) {
    super(
      `the container engine at unix://${socketPath} does not answer (${cause}); start it ` +
        '(scripts/docker/start.sh), point local.dockerSocket at it, or set local.engineWait to wait for it',
    );
    this.name = 'EngineUnavailableError';
  }
}

/** What the engine says about a container that ended (or still runs). */
export interface ContainerState {
  id: string;
  status: string;
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  /** The engine's error text for a container that could not start. */
  error: string;
}

/** A container of some task, found by its labels. */
export interface TaskContainer {
  id: string;
  task: string;
  executor: number;
  state: string;
}

const UNREACHABLE_CODES = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EACCES',
  'ETIMEDOUT',
]);

/** The HTTP status of an engine answer, if the error is one. */
export function engineStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The engine's own words for a failed call (its JSON `message`), else the error's message. */
export function engineReason(error: unknown): string {
  const json = (error as { json?: unknown } | null)?.json;
  if (
    json &&
    typeof json === 'object' &&
    typeof (json as { message?: unknown }).message === 'string'
  ) {
    return (json as { message: string }).message.trim();
  }
  if (typeof json === 'string' && json.trim()) return json.trim();
  return error instanceof Error ? error.message : String(error);
}

function isUnreachable(error: unknown): boolean {
  if (error instanceof EngineUnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNREACHABLE_CODES.has(code);
}

/** The two dockerode clients of an engine. */
interface Clients {
  /** For quick calls: a hung engine must not hang the server. */
  control: Docker;
  /** For calls that last as long as a container runs (wait, followed logs). */
  stream: Docker;
}

export class DockerEngine {
  readonly socketPath: string;
  private readonly timeoutMs: number;
  private clientsLoaded: Promise<Clients> | undefined;
  private readonly pulls = new Map<string, Promise<void>>();

  constructor(socketPath: string, timeoutMs = 30_000) {
    this.socketPath = socketPath;
    this.timeoutMs = timeoutMs;
  }

  /** The dockerode clients, made on first use (the import costs memory: see the header). */
  private clients(): Promise<Clients> {
    const { socketPath, timeoutMs } = this;
    this.clientsLoaded ??= import('dockerode').then(({ default: Dockerode }) => ({
      control: new Dockerode({ socketPath, timeout: timeoutMs }),
      stream: new Dockerode({ socketPath }),
    }));
    return this.clientsLoaded;
  }

  private async control(): Promise<Docker> {
    return (await this.clients()).control;
  }

  private async stream(): Promise<Docker> {
    return (await this.clients()).stream;
  }

  /** Runs an engine call; a connection failure becomes EngineUnavailableError. */
  async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isUnreachable(error) && !(error instanceof EngineUnavailableError)) {
        const code = (error as { code?: string }).code;
        throw new EngineUnavailableError(this.socketPath, `${code}: ${(error as Error).message}`);
      }
      throw error;
    }
  }

  /** The engine's name and version ("Docker Engine 20.10.24", "Podman Engine 4.3.1"). */
  async version(
    signal?: AbortSignal,
  ): Promise<{ engine: string; version: string; apiVersion: string }> {
    const v = (await this.call(() =>
      engineGet(this.socketPath, '/version', { timeoutMs: this.timeoutMs, signal }),
    )) as Docker.DockerVersion;
    // Podman's compatible service names itself in Platform or Components ("Podman Engine").
    const named = v as { Platform?: { Name?: string }; Components?: { Name?: string }[] };
    const platform =
      named.Platform?.Name ||
      named.Components?.map((c) => c.Name ?? '').join(', ') ||
      'Docker Engine';
    return { engine: platform, version: v.Version, apiVersion: v.ApiVersion };
  }

  /**
   * Creates a container; an image missing locally is pulled first (`onPull` says so), once for
   * concurrent asks.
   */
  async create(options: ContainerCreateOptions, onPull?: () => void): Promise<string> {
    const control = await this.control();
    try {
      return (await this.call(() => control.createContainer(options))).id;
    } catch (error) {
      if (engineStatus(error) !== 404 || !options.Image) throw error;
    }
    onPull?.();
    await this.pull(options.Image);
    return (await this.call(() => control.createContainer(options))).id;
  }

  /** Pulls an image; rejects with the engine's reason when the pull fails. */
  pull(image: string): Promise<void> {
    let pending = this.pulls.get(image);
    if (!pending) {
      pending = this.pullOnce(image).finally(() => this.pulls.delete(image));
      this.pulls.set(image, pending);
    }
    return pending;
  }

  private async pullOnce(image: string): Promise<void> {
    let reason: string | undefined;
    try {
      const stream = await this.stream();
      const progress = await this.call(() => stream.pull(image));
      await new Promise<void>((resolve, reject) => {
        stream.modem.followProgress(
          progress,
          (
            error: Error | null,
            events: { error?: string; errorDetail?: { message?: string } }[],
          ) => {
            if (error) return reject(error);
            const failed = events.find((event) => event.error || event.errorDetail);
            if (failed) reason = failed.errorDetail?.message ?? failed.error;
            resolve();
          },
        );
      });
    } catch (error) {
      if (error instanceof EngineUnavailableError) throw error;
      reason = engineReason(error);
    }
    if (reason !== undefined) throw new Error(`could not pull image ${image}: ${reason}`);
  }

  async start(id: string): Promise<void> {
    try {
      const control = await this.control();
      await this.call(() => control.getContainer(id).start());
    } catch (error) {
      // 304: already started (a retried or recovered start).
      if (engineStatus(error) !== 304) throw error;
    }
  }

  /** Resolves when the container no longer runs (or `signal` aborts the wait). */
  async wait(id: string, signal?: AbortSignal): Promise<void> {
    try {
      const stream = await this.stream();
      await this.call(() => stream.getContainer(id).wait({ abortSignal: signal }));
    } catch (error) {
      if (engineStatus(error) !== 404) throw error;
    }
  }

  async inspect(id: string): Promise<ContainerState | undefined> {
    const control = await this.control();
    let info: ContainerInspectInfo;
    try {
      info = await this.call(() => control.getContainer(id).inspect());
    } catch (error) {
      if (engineStatus(error) === 404) return undefined;
      throw error;
    }
    const state = info.State as ContainerInspectInfo['State'] & { Error?: string };
    return {
      id: info.Id,
      status: state.Status,
      running: state.Running,
      exitCode: state.ExitCode,
      oomKilled: state.OOMKilled,
      error: state.Error ?? '',
    };
  }

  /** The container's stdout and stderr, multiplexed, from its start, followed while it runs. */
  async followLogs(id: string, signal?: AbortSignal): Promise<NodeJS.ReadableStream> {
    const stream = await this.stream();
    return this.call(() =>
      stream
        .getContainer(id)
        .logs({ follow: true, stdout: true, stderr: true, abortSignal: signal }),
    );
  }

  /** All of the container's output so far, multiplexed. */
  async readLogs(id: string): Promise<Buffer> {
    const control = await this.control();
    const logs = await this.call(() =>
      control.getContainer(id).logs({ follow: false, stdout: true, stderr: true }),
    );
    return Buffer.isBuffer(logs) ? logs : Buffer.from(logs);
  }

  /** Kills (if running) and removes a container; one already gone is not an error. */
  async remove(id: string): Promise<void> {
    try {
      const control = await this.control();
      await this.call(() => control.getContainer(id).remove({ force: true }));
    } catch (error) {
      const status = engineStatus(error);
      // 404: gone; 409: removal already in progress.
      if (status !== 404 && status !== 409) throw error;
    }
  }

  /** This server's containers (running or not), of one task or of all its tasks. */
  async listContainers(instance: string, taskId?: string): Promise<TaskContainer[]> {
    const label = [`${LABEL_INSTANCE}=${instance}`];
    if (taskId !== undefined) label.push(`${LABEL_TASK}=${taskId}`);
    // A plain GET: a restart with no container task must not load dockerode (see the header).
    const filters = encodeURIComponent(JSON.stringify({ label }));
    const list = (await this.call(() =>
      engineGet(this.socketPath, `/containers/json?all=true&filters=${filters}`, {
        timeoutMs: this.timeoutMs,
      }),
    )) as ContainerInfo[] | undefined;
    if (!Array.isArray(list)) throw new Error('the engine answered no list of containers');
    return list.map((c) => ({
      id: c.Id,
      task: c.Labels[LABEL_TASK] ?? '',
      executor: Number(c.Labels[LABEL_EXECUTOR] ?? -1),
      state: c.State,
    }));
  }
}

export { isUnreachable as isEngineUnreachable };
