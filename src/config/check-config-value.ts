/**
 * Checks one config value: strings from a properties file or the environment are coerced to the
 * type of the key's default, and the top-level keys get their own rules (a URL, a log level…).
 * Each check returns the value to store or a problem saying what was expected.
 */
import { parseRange } from '../storage/http-guard.js';
import { findFramework } from '../backends/create-backend.js';
import { canonicalFrameworkName } from './framework-names.js';
import { parseDurationSec } from '../model/units.js';
import { DEFAULT_CONFIG } from './config.js';

export type Checked = { ok: true; value: unknown } | { ok: false; problem: string };

const PINO_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
/** The first implementation was Java: its users may still write java.util.logging/log4j names. */
const JAVA_LEVELS: Record<string, string> = {
  all: 'trace',
  finest: 'trace',
  finer: 'trace',
  fine: 'debug',
  config: 'debug',
  warning: 'warn',
  severe: 'error',
  off: 'silent',
};
// auto: whatever the framework finds (a Docker engine if one answers, else host).
const CONTAINER_RUNNERS = ['auto', 'docker', 'podman', 'apptainer', 'host'];
const TRUE_WORDS = ['true', 'yes', 'on', '1'];
const FALSE_WORDS = ['false', 'no', 'off', '0'];

/** Coerces a value to the type of `defaultValue`; an undefined default takes any scalar. */
export function coerceToDefault(value: unknown, defaultValue: unknown): Checked {
  switch (typeof defaultValue) {
    case 'number':
      return toNumber(value);
    case 'boolean':
      return toBoolean(value);
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : fail('expected a string', value);
    default:
      return ['string', 'number', 'boolean'].includes(typeof value)
        ? { ok: true, value }
        : fail('expected a string, number or boolean', value);
  }
}

/** The rules of each top-level key (see config.ts for their meaning). */
export function checkTopLevelValue(key: keyof typeof DEFAULT_CONFIG, value: unknown): Checked {
  switch (key) {
    case 'serveruri':
      return checkServerUri(value);
    case 'framework':
      return checkFramework(value);
    case 'log':
      return checkLogLevel(value);
    case 'containers':
      return oneOf(value, CONTAINER_RUNNERS);
    case 'bodyLimit':
    case 'pollIntervalMs':
      return positiveInteger(value);
    case 'auth':
      return oneOf(value, ['auto', 'none']);
    case 'maxActiveTasks':
    case 'submitRate':
      return nonNegativeNumber(value);
    case 'debug':
      return toBoolean(value);
    case 'allowedRoots':
      return pathList(value);
    case 'tesSchemes':
      return wordList(value, ['file', 'http', 'https', 's3']);
    case 'tesHttpAllow':
      return rangeList(value);
    case 'tesHttpMaxBytes':
      return nonNegativeNumber(value);
    case 'tesS3Endpoint':
      return value === '' ? { ok: true, value } : checkHttpUrl(value);
    case 'allowedHosts':
      return hostList(value);
    case 'retention':
      return duration(value);
    case 'state':
    case 'workdir':
      return typeof value === 'string' && value.trim() !== ''
        ? { ok: true, value: value.trim() }
        : fail('expected a path', value);
    case 'store':
      return typeof value === 'string'
        ? { ok: true, value: value.trim() }
        : fail('expected a path', value);
    default:
      // A key added to config.ts without a rule of its own follows the type of its default.
      return coerceToDefault(value, (DEFAULT_CONFIG as Record<string, unknown>)[key]);
  }
}

/**
 * An http(s) URL with nothing but scheme, host, port and path. Without a port the URL's own
 * default (80 for http, 443 for https) applies, as the first implementation's server did.
 */
function checkServerUri(value: unknown): Checked {
  const expected = 'expected an http:// or https:// URL such as http://localhost:9999/';
  if (typeof value !== 'string') return fail(expected, value);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return fail(expected, value);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(expected, value);
  if (url.username || url.password || url.search || url.hash) {
    return fail(`${expected} (no user, password, query or fragment)`, value);
  }
  return { ok: true, value: url.href };
}

function checkFramework(value: unknown): Checked {
  if (typeof value !== 'string') return fail('expected a framework name', value);
  try {
    return { ok: true, value: findFramework(canonicalFrameworkName(value)).name };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

function checkLogLevel(value: unknown): Checked {
  const word = typeof value === 'string' ? value.trim().toLowerCase() : '';
  const level = JAVA_LEVELS[word] ?? word;
  return PINO_LEVELS.includes(level)
    ? { ok: true, value: level }
    : fail(`expected one of ${PINO_LEVELS.join(', ')}`, value);
}

function nonNegativeNumber(value: unknown): Checked {
  const checked = toNumber(value);
  if (!checked.ok) return checked;
  return (checked.value as number) >= 0
    ? checked
    : fail('expected a number >= 0 (0 = no cap)', value);
}

function oneOf(value: unknown, allowed: string[]): Checked {
  const word = typeof value === 'string' ? value.trim().toLowerCase() : '';
  return allowed.includes(word)
    ? { ok: true, value: word }
    : fail(`expected one of ${allowed.join(', ')}`, value);
}

/** Absolute paths: a list, or one string with commas between them (properties file, env). */
function pathList(value: unknown): Checked {
  const items = typeof value === 'string' ? value.split(',') : value;
  const expected = 'expected absolute paths (a list, or comma-separated)';
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string')) {
    return fail(expected, value);
  }
  const paths = (items as string[]).map((item) => item.trim()).filter((item) => item !== '');
  return paths.every((path) => path.startsWith('/'))
    ? { ok: true, value: paths }
    : fail(expected, value);
}

/** Addresses or CIDR ranges: a list, or comma-separated. */
function rangeList(value: unknown): Checked {
  const items = typeof value === 'string' ? value.split(',') : value;
  const expected = 'expected IP addresses or CIDR ranges (127.0.0.1, 10.0.0.0/8; comma-separated)';
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string')) {
    return fail(expected, value);
  }
  const ranges = (items as string[]).map((i) => i.trim()).filter((i) => i !== '');
  return ranges.every((r) => parseRange(r) !== undefined)
    ? { ok: true, value: ranges }
    : fail(expected, value);
}

/** Words from `allowed`: a list, or one string with commas between them; none is allowed. */
function wordList(value: unknown, allowed: string[]): Checked {
  const items = typeof value === 'string' ? value.split(',') : value;
  const expected = `expected some of ${allowed.join(', ')} (a list, or comma-separated)`;
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string')) {
    return fail(expected, value);
  }
  const words = (items as string[]).map((i) => i.trim().toLowerCase()).filter((i) => i !== '');
  return words.every((word) => allowed.includes(word))
    ? { ok: true, value: [...new Set(words)] }
    : fail(expected, value);
}

/** An http(s) URL such as an S3 endpoint (http://127.0.0.1:8333). */
function checkHttpUrl(value: unknown): Checked {
  const text = typeof value === 'string' ? value.trim() : '';
  const url = URL.canParse(text) ? new URL(text) : undefined;
  return url && (url.protocol === 'http:' || url.protocol === 'https:')
    ? { ok: true, value: text }
    : fail('expected an http:// or https:// URL', value);
}

/** A duration with an optional unit (s, m, h, d); a bare number is seconds. */
function duration(value: unknown): Checked {
  const text = typeof value === 'number' ? String(value) : value;
  const seconds = typeof text === 'string' ? parseDurationSec(text) : undefined;
  return seconds === undefined
    ? fail('expected a duration such as 30d, 12h or 3600 (seconds); 0 keeps tasks forever', value)
    : { ok: true, value: String(text).trim() };
}

/** Host names: a list, or one string with commas between them (properties file, env). */
function hostList(value: unknown): Checked {
  const items = typeof value === 'string' ? value.split(',') : value;
  const expected = 'expected host names such as jobs.example.org or *.example.org';
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string')) {
    return fail(expected, value);
  }
  const names = (items as string[]).map((item) => item.trim().toLowerCase()).filter(Boolean);
  return names.every((name) => /^(\*\.)?[a-z0-9.:[\]-]+$/.test(name))
    ? { ok: true, value: names }
    : fail(expected, value);
}

function toNumber(value: unknown): Checked {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  return Number.isFinite(number) ? { ok: true, value: number } : fail('expected a number', value);
}

function positiveInteger(value: unknown): Checked {
  const checked = toNumber(value);
  return checked.ok && Number.isInteger(checked.value) && (checked.value as number) > 0
    ? checked
    : fail('expected a whole number > 0', value);
}

function toBoolean(value: unknown): Checked {
  if (typeof value === 'boolean') return { ok: true, value };
  const word = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (TRUE_WORDS.includes(word)) return { ok: true, value: true };
  if (FALSE_WORDS.includes(word)) return { ok: true, value: false };
  return fail('expected true or false', value);
}

function fail(expected: string, value: unknown): Checked {
  const shown =
    typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return { ok: false, problem: `${expected}, got ${shown}` };
}
