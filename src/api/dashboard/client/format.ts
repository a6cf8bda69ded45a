/** How the dashboard writes times, durations and ids. */

const pad = (n: number): string => String(n).padStart(2, '0');

/** "42s", "3m 04s", "2h 05m", "3d 4h". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${pad(seconds % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${pad(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** Local time: "14:03:22" today, "2024-05-01 14:03:22" on another day. */
export function formatTime(iso: string | undefined, now = new Date()): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  if (date.toDateString() === now.toDateString()) return time;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

/** The first 8 characters of an id: enough to tell tasks apart on screen. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** MiB as "512 MiB" or "3.5 GiB". */
export function formatMiB(mib: number): string {
  if (mib >= 1024) return `${(mib / 1024).toFixed(mib % 1024 === 0 ? 0 : 1)} GiB`;
  return `${Math.round(mib)} MiB`;
}

/** Age (since created) and duration (started → ended, or → now while it runs) in ms. */
export function taskTimes(
  task: { created: string; started?: string; ended?: string },
  nowMs = Date.now(),
): { ageMs: number; durationMs: number | undefined } {
  const ageMs = nowMs - Date.parse(task.created);
  if (!task.started) return { ageMs, durationMs: undefined };
  const end = task.ended ? Date.parse(task.ended) : nowMs;
  return { ageMs, durationMs: end - Date.parse(task.started) };
}
