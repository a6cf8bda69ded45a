/**
 * Units of the Task fields: memory in MiB, cputime in seconds. Clients may also send strings with
 * a unit ("512M", "2G", "90s", "2h"); these parse them. Each returns undefined when it cannot.
 */

const MEMORY_UNITS_MIB: Record<string, number> = {
  '': 1,
  k: 1 / 1024,
  kb: 1 / 1024,
  kib: 1 / 1024,
  m: 1,
  mb: 1,
  mib: 1,
  g: 1024,
  gb: 1024,
  gib: 1024,
  t: 1024 * 1024,
  tb: 1024 * 1024,
  tib: 1024 * 1024,
};

const TIME_UNITS_SEC: Record<string, number> = {
  '': 1,
  s: 1,
  sec: 1,
  m: 60,
  min: 60,
  h: 3600,
  d: 86400,
};

const AMOUNT = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/;

function parseWithUnit(text: string, units: Record<string, number>): number | undefined {
  const match = AMOUNT.exec(text);
  if (!match) return undefined;
  const factor = units[match[2]!.toLowerCase()];
  return factor === undefined ? undefined : Number(match[1]) * factor;
}

/** "512M" → 512, "2G" → 2048, "1024" → 1024 (MiB). */
export function parseMemoryMiB(text: string): number | undefined {
  return parseWithUnit(text, MEMORY_UNITS_MIB);
}

/** "90s" → 90, "2h" → 7200, "30" → 30 (seconds). */
export function parseDurationSec(text: string): number | undefined {
  return parseWithUnit(text, TIME_UNITS_SEC);
}
