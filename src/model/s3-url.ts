/**
 * `s3://bucket/key` URLs as TES inputs and outputs name them. A bucket follows S3's naming rules
 * (3–63 lower-case letters, digits, dots and hyphens); a key is what follows the first `/` after
 * the bucket, kept as written (S3 keys are not paths), except that a key naming a local file below
 * a prefix must not climb out of the directory it is written into (see relativeKeyPath).
 */

/** A parsed `s3://` URL. `key` is '' for the bucket itself. */
export interface S3Location {
  bucket: string;
  key: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** S3 allows keys of up to 1024 bytes. */
const MAX_KEY_BYTES = 1024;

/** True when `url` uses the s3 scheme (case-insensitively, as URL schemes are). */
export function isS3Url(url: string): boolean {
  return /^s3:\/\//i.test(url);
}

/** Parses `s3://bucket/key`; throws an Error saying what is wrong with it. */
export function parseS3Url(url: string): S3Location {
  if (!isS3Url(url)) throw new Error('is not an s3:// URL');
  const rest = url.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw new Error(`names no valid bucket ("${bucket}": 3-63 of a-z, 0-9, '.', '-')`);
  }
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new Error('has a key over 1024 bytes');
  // Control characters have no place in a key and would confuse logs.
  if ([...key].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) {
    throw new Error('has control characters in its key');
  }
  return { bucket, key };
}

/** The URL of a location, as the output logs show it. */
export function formatS3Url(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/** A key prefix that names a "directory": '' (the whole bucket) or ending in '/'. */
export function directoryPrefix(key: string): string {
  return key === '' || key.endsWith('/') ? key : `${key}/`;
}

/** Joins a directory prefix and a relative path (POSIX separators) into a key. */
export function joinKey(prefix: string, relative: string): string {
  return directoryPrefix(prefix) + relative.replace(/^\/+/, '');
}

/**
 * The local relative path of an object listed below `prefix`, or undefined when it cannot be
 * written below a directory: an empty name, `.`/`..` segments or an absolute path could lead a
 * download out of the directory it fills (object stores accept such keys).
 */
export function relativeKeyPath(key: string, prefix: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const relative = key.slice(prefix.length);
  const segments = relative.split('/');
  if (relative === '' || relative.startsWith('/')) return undefined;
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  return relative;
}
