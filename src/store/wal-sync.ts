/**
 * The explicit WAL fsync of the group commit: a transaction committed with `synchronous = NORMAL`
 * is in the write-ahead log (safe from a crash of the process) but maybe not on the disk; one
 * fdatasync of the WAL file, run off the event loop, puts every commit made before it on the disk
 * — what `synchronous = FULL` does inside each commit (SQLite syncs with fdatasync on Linux too),
 * but shared and without blocking requests. SQLite itself syncs the WAL before each checkpoint
 * (also under NORMAL), so a commit checkpointed meanwhile is on disk already.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CoalescedSync } from './coalesced-sync.js';

/** fsync of a directory, so the entries of files created in it survive a power cut. */
async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface WalSync {
  /** Resolves once every commit made before the call is on disk (syncs are coalesced). */
  sync(): Promise<void>;
  /** Closes the WAL file once the syncs in flight are done. */
  close(): Promise<void>;
}

/**
 * Syncs of the WAL of the database at `dbPath`. The file stays open between syncs: SQLite keeps
 * the same WAL file while a connection is open. The first sync also syncs the directory, so the
 * WAL file's own entry is on disk.
 */
export function createWalSync(dbPath: string): WalSync {
  const walPath = `${dbPath}-wal`;
  let handle: Promise<FileHandle> | undefined;
  let directorySynced = false;
  const syncs = new CoalescedSync(async () => {
    // O_RDONLY is enough: fdatasync needs no write access on Linux.
    handle ??= open(walPath, 'r').catch((error: unknown) => {
      handle = undefined; // Opened again by the next sync.
      throw error;
    });
    await (await handle).datasync();
    if (directorySynced) return;
    await fsyncDirectory(dirname(walPath));
    directorySynced = true;
  });
  return {
    sync: () => syncs.sync(),
    async close() {
      await syncs.idle();
      const opened = handle;
      handle = undefined;
      if (opened) await (await opened).close();
    },
  };
}
