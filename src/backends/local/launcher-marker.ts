/**
 * The launcher's argv marker: a restarted server tells a live launcher of ours by it. A module
 * of its own because launcher-process.ts, once imported, acts as the launcher (it listens on
 * the IPC channel and exits when it closes): the server must never import it for a value.
 */
export const LAUNCHER_MARKER = 'jobproxy-launcher';
