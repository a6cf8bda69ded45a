/**
 * The store interface: where tasks live. The store is the truth; every state write is
 * compare-and-set on the state it read (see src/model/states.ts for which moves are allowed).
 */
import type { TaskState } from '../model/states.js';
import type { TaskRecord } from '../model/task.js';

/** The columns a state change may write besides the state itself. */
export type TaskPatch = Partial<
  Pick<
    TaskRecord,
    'description' | 'exitCode' | 'jobId' | 'started' | 'ended' | 'results' | 'systemLogs'
  >
>;

/** A listing row: what a listing shows, without the spec and outputs. */
export type TaskSummary = Pick<
  TaskRecord,
  | 'id'
  | 'seq'
  | 'framework'
  | 'state'
  | 'description'
  | 'exitCode'
  | 'created'
  | 'started'
  | 'ended'
> & { user: string; name: string | null };

export interface TaskQuery {
  /** Only this user's tasks (absent = everyone's). */
  user?: string;
  states?: TaskState[];
  namePrefix?: string;
  /** Tags that must match: value undefined = only the key must exist. */
  tag?: { key: string; value?: string };
  /** Tags that must all match, each as `tag` (TES tag_key/tag_value filters). */
  tags?: { key: string; value?: string }[];
  /** Only tasks after this seq (paging). */
  afterSeq?: number;
  limit?: number;
}

/** One state a task entered, and when the server recorded it (RFC 3339). */
export interface StateEntry {
  state: TaskState;
  at: string;
}

/** How many tasks are in one state on one framework. */
export interface StateCount {
  state: TaskState;
  framework: string;
  count: number;
}

/** Read-only queries for observability: the dashboard, events and metrics. */
export interface StoreStats {
  /** The states a task entered, oldest first (empty for an unknown id). */
  stateHistory(id: string): StateEntry[];
  /** Tasks per state and framework; `user` restricts to that owner. */
  countByState(user?: string): StateCount[];
  /**
   * The state histories of every task that changed state at or after `since` or is still
   * unfinished, ordered by task then time; `user` restricts to that owner.
   */
  stateChangesSince(since: string, user?: string): (StateEntry & { id: string })[];
  /** Bytes the store occupies on disk (0 in memory). */
  fileBytes(): number;
}

/** The store. Every state write also records the state in the history (StoreStats). */
/** Which uid each task owner was given from the identity pool (local.runAs=pool). */
export interface IdentityRecords {
  uidOf(owner: string): number | undefined;
  isAssigned(uid: number): boolean;
  /** The highest uid given out within [first, last], if any. */
  highestIn(first: number, last: number): number | undefined;
  /** Records the pair; false when the owner or the uid already has one. */
  assign(owner: string, uid: number): boolean;
}

export interface Store extends StoreStats {
  identities: IdentityRecords;
  insertTask(task: Omit<TaskRecord, 'seq'>): TaskRecord;
  getTask(id: string): TaskRecord | undefined;
  /** Just the state of a task (cheaper than getTask). */
  getState(id: string): TaskState | undefined;
  /** Summaries in submit order. */
  listSummaries(query: TaskQuery): TaskSummary[];
  /** Full records in submit order. */
  listTasks(query: TaskQuery): TaskRecord[];
  /** Writes `to` and the patch only if the task is still in `from`; false when it was not. */
  compareAndSet(id: string, from: TaskState, to: TaskState, patch?: TaskPatch): boolean;
  /** Writes the patch without a state change, only if the task is still in `state`. */
  patchIf(id: string, state: TaskState, patch: TaskPatch): boolean;
  /** Records the framework's job id once; a second write is ignored. */
  setJobId(id: string, jobId: string): boolean;
  deleteTask(id: string): boolean;
  /**
   * Removes up to `limit` finished tasks (terminal states) that ended before `before` (RFC 3339),
   * oldest first; returns their ids (retention).
   */
  deleteFinishedBefore(before: string, limit: number): { id: string; user: string }[];
  /** How many of the user's tasks are queued or running (QUEUED, INITIALIZING, RUNNING). */
  countActiveTasks(user: string): number;
  countTasks(): number;
  /**
   * Runs `work` in one transaction: its writes commit together or not at all
   * (a throw rolls every one back and is rethrown). Returns what `work` returned.
   */
  transaction<T>(work: () => T): T;
  /**
   * Resolves once every write committed before the call is on disk (power-loss durable);
   * rejects when the disk could not say so. Commits themselves do not wait for the disk.
   */
  durable(): Promise<void>;
  close(): void;
}
