/**
 * The parts of a GA4GH TES 1.1 task that the shared TaskSpec has no field for (inputs, outputs,
 * volumes, the resources as the client wrote them). The TES validator keeps them, in TES wire
 * names, in `TaskSpec.extra.tes`; staging and the TES views read them back from there.
 */
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskSpec } from './task.js';

export type TesFileType = 'FILE' | 'DIRECTORY';

/** A tesInput: `content` or a `url` (file://, an absolute path, http(s)://) copied to `path`. */
export interface TesInput {
  name?: string;
  description?: string;
  url?: string;
  path: string;
  type?: TesFileType;
  content?: string;
  streamable?: boolean;
}

/** A tesOutput: `path` (POSIX wildcards allowed, with `path_prefix`) copied to a file:// `url`. */
export interface TesOutput {
  name?: string;
  description?: string;
  url: string;
  path: string;
  path_prefix?: string;
  type?: TesFileType;
}

/** tesResources as accepted (unsupported backend_parameters already dropped, as the spec asks). */
export interface TesResources {
  cpu_cores?: number;
  preemptible?: boolean;
  ram_gb?: number;
  disk_gb?: number;
  zones?: string[];
  backend_parameters?: Record<string, string>;
  backend_parameters_strict?: boolean;
}

/** A tesOutputFileLog: one collected file (a directory output gives one per file). */
export interface TesOutputFileLog {
  url: string;
  path: string;
  /** Bytes, as a string: the spec's int64 in JSON. */
  size_bytes: string;
}

/** What `TaskSpec.extra.tes` holds for a task that came through TES. */
export interface TesExtra {
  inputs: TesInput[];
  outputs: TesOutput[];
  volumes: string[];
  resources?: TesResources;
  /** Warnings from accepting the task (an unsupported backend parameter), shown in system_logs. */
  warnings: string[];
  /**
   * Set when executors run in containers: the task's paths are paths inside the container, and a
   * container path P is kept on the host at hostRoot + P (bind-mounted into each executor).
   * Absent: executors run on the host and the paths are host paths.
   */
  hostRoot?: string;
}

/** Where a path the task names (inputs, outputs, volumes, stdout) is on the host. */
export function hostPathOf(tes: TesExtra, path: string): string {
  return tes.hostRoot === undefined ? path : posix.join(tes.hostRoot, path);
}

/** The TES parts of a task, or undefined for a task that came through another API. */
export function tesExtra(spec: TaskSpec): TesExtra | undefined {
  const tes = spec.extra?.tes;
  return typeof tes === 'object' && tes !== null ? (tes as TesExtra) : undefined;
}

/** True when a TES output path uses the POSIX pattern characters `*`, `?` or `[`. */
export function hasWildcards(path: string): boolean {
  return /[*?[]/.test(path);
}

/** True when the absolute `path` is one of `roots` (absolute, normalised) or lies below one. */
export { isInsideRoots } from './allowed-roots.js';

/**
 * The host path a `file://` URL or an absolute path names; undefined for any other URL (and for a
 * file:// URL naming another host, which this machine cannot read).
 */
export function localPath(url: string): string | undefined {
  if (url.startsWith('/')) return url;
  if (!url.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}
