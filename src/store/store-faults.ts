/**
 * Store faults: the store's disk is full, or the store cannot be written (I/O error, read-only or
 * unwritable file, locked by another process). They are the operator's problem, not a bug and not
 * the client's: a named 503/507 with Retry-After (docs/errors.md), never a crash.
 */
import { JobProxyError } from '../errors.js';

/** SQLite result codes (and errno names) meaning the disk is full. */
const FULL = /^(SQLITE_FULL|ENOSPC|EDQUOT)$/;
/** … meaning the store cannot be written or read now. */
const UNAVAILABLE =
  /^(SQLITE_(IOERR|READONLY|CANTOPEN|BUSY|LOCKED|PERM|PROTOCOL|CORRUPT|NOTADB)(_\w+)?|EACCES|EPERM|EROFS|EIO)$/;

/** The catalogue error for a store fault; undefined for any other error (a bug: rethrow it). */
export function storeFault(error: unknown): JobProxyError | undefined {
  if (error instanceof JobProxyError) {
    return error.code === 'STORE_FULL' || error.code === 'STORE_UNAVAILABLE' ? error : undefined;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const problem = `${code}: ${(error as Error).message}`;
  if (FULL.test(code)) return new JobProxyError('STORE_FULL', { problem }, undefined, error);
  if (UNAVAILABLE.test(code)) {
    return new JobProxyError('STORE_UNAVAILABLE', { problem }, undefined, error);
  }
  return undefined;
}

/** Whether `error` is a store fault (the write may work later: retry it). */
export function isStoreFault(error: unknown): boolean {
  return storeFault(error) !== undefined;
}
