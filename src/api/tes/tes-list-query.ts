/**
 * The query of TES ListTasks and GetTask: view, filters (name_prefix, state, tag_key/tag_value
 * zipped as the spec's truth table says) and keyset paging. A page token is the opaque form of
 * the last task's seq: tasks are listed in submit order, so a task added while a client pages
 * lands after every page already read, and none is lost or repeated.
 */
import { JobProxyError } from '../../errors.js';
import { isTaskState } from '../../model/states.js';
import type { TaskQuery } from '../../store/store.js';
import { TES_STATES } from '../../model/tes-task-schema.js';
import { TES_VIEWS, type TesView } from './tes-task-view.js';

export const DEFAULT_PAGE_SIZE = 256;
/** The spec: "Must be less than 2048". */
export const MAX_PAGE_SIZE = 2047;

const LIST_PARAMETERS = [
  'view',
  'name_prefix',
  'state',
  'tag_key',
  'tag_value',
  'page_size',
  'page_token',
];
const TOKEN_PREFIX = 'seq:';

export interface TesListQuery {
  view: TesView;
  pageSize: number;
  /** The store query for one page and one more row (to know whether a next page exists). */
  store: TaskQuery;
  /** A state filter no task can match. */
  matchesNothing: boolean;
}

type QueryValues = Record<string, string | string[] | undefined>;

function invalid(field: string, problem: string): JobProxyError {
  return new JobProxyError('INVALID_PARAMETER', { field, problem }, [{ field, problem }]);
}

/** One value of a parameter given at most once. */
function single(query: QueryValues, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw invalid(name, 'must be given once');
  return value;
}

function list(query: QueryValues, name: string): string[] {
  const value = query[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function rejectUnknown(query: QueryValues, known: readonly string[]): void {
  const unknown = Object.keys(query).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new JobProxyError(
      'INVALID_PARAMETER',
      { field: unknown.join(', '), problem: `unknown parameter (known: ${known.join(', ')})` },
      unknown.map((field) => ({ field, problem: 'unknown parameter' })),
    );
  }
}

/** The `view` parameter (case-insensitive); MINIMAL when absent. */
export function parseView(query: QueryValues): TesView {
  const value = single(query, 'view');
  if (value === undefined) return 'MINIMAL';
  const view = value.toUpperCase() as TesView;
  if (!TES_VIEWS.includes(view)) throw invalid('view', `must be one of ${TES_VIEWS.join(', ')}`);
  return view;
}

/** The query of GetTask: only `view`. */
export function parseGetQuery(query: QueryValues): TesView {
  rejectUnknown(query, ['view']);
  return parseView(query);
}

/** The query of ListTasks; throws INVALID_PARAMETER naming the parameter. */
export function parseListQuery(query: QueryValues): TesListQuery {
  rejectUnknown(query, LIST_PARAMETERS);
  const view = parseView(query);
  const pageSize = parsePageSize(single(query, 'page_size'));
  const store: TaskQuery = { limit: pageSize + 1 };
  const token = single(query, 'page_token');
  if (token !== undefined && token !== '') store.afterSeq = decodePageToken(token);
  const namePrefix = single(query, 'name_prefix');
  if (namePrefix) store.namePrefix = namePrefix;
  const state = single(query, 'state');
  let matchesNothing = false;
  if (state !== undefined) {
    if (!TES_STATES.includes(state))
      throw invalid('state', `must be one of ${TES_STATES.join(', ')}`);
    if (isTaskState(state)) store.states = [state];
    else matchesNothing = true;
  }
  const keys = list(query, 'tag_key');
  const values = list(query, 'tag_value');
  if (values.length > keys.length)
    throw invalid('tag_value', 'each tag_value needs a tag_key before it');
  // An empty or missing tag_value matches any value of the key.
  if (keys.length > 0)
    store.tags = keys.map((key, i) => (values[i] ? { key, value: values[i] } : { key }));
  return { view, pageSize, store, matchesNothing };
}

function parsePageSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  const size = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(size >= 1 && size <= MAX_PAGE_SIZE)) {
    throw invalid('page_size', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/** The opaque token of the page after the task with this seq. */
export function encodePageToken(seq: number): string {
  return Buffer.from(`${TOKEN_PREFIX}${seq}`).toString('base64url');
}

/** The seq a token continues after; throws INVALID_PARAMETER for a token this server never made. */
export function decodePageToken(token: string): number {
  const text = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString() : '';
  const match = /^seq:(\d{1,15})$/.exec(text);
  if (!match) {
    throw invalid(
      'page_token',
      'is not a token this server gave (use next_page_token as it was answered)',
    );
  }
  return Number(match[1]);
}
