/**
 * What the owner helper is asked to do (src/core/staging/owner-helper.ts), and what it answers.
 * Plain data: it crosses a process boundary as JSON.
 */
import type { TesExtra, TesOutputFileLog } from '../../model/tes-task.js';
import type { StorageSettings } from '../../storage/storage-settings.js';

/** Who the helper becomes before it touches a file. */
export interface HelperIdentity {
  uid: number;
  gid: number;
  /** An account's name, for its supplementary groups; absent for a pool uid (no groups). */
  account?: string;
}

export interface StagingJob {
  op: 'stage' | 'collect';
  tes: TesExtra;
  roots: string[];
  /** The schemes switched on, and how S3 is reached. */
  storage: StorageSettings;
}

export type StagingAnswer =
  { ok: true; logs?: TesOutputFileLog[]; problems?: string[] } | { ok: false; message: string };

export interface HelperRequest {
  identity: HelperIdentity;
  job: StagingJob;
}
