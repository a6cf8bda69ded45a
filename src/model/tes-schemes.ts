/**
 * The URL schemes TES inputs and outputs may use, and the operator's switch for them (config key
 * `tes.schemes`). `file` covers file:// URLs and absolute paths. A URL whose scheme is switched
 * off, or is not one JobProxy speaks, is refused with 400 naming the field.
 */
import { isS3Url, parseS3Url } from './s3-url.js';

export type TesScheme = 'file' | 'http' | 'https' | 's3';

/** Every scheme JobProxy can stage, in the order service-info lists them; all on by default. */
export const TES_SCHEMES: readonly TesScheme[] = ['file', 'http', 'https', 's3'];

/** The scheme a TES url uses, or undefined for one JobProxy does not speak. */
export function schemeOf(url: string): TesScheme | undefined {
  if (url.startsWith('/') || /^file:/i.test(url)) return 'file';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  return TES_SCHEMES.find((known) => known === scheme);
}

/** A problem with an s3:// URL (bad bucket, key), or undefined when it is fine. */
export function s3UrlProblem(url: string): string | undefined {
  if (!isS3Url(url)) return 'is not an s3:// URL';
  try {
    parseS3Url(url);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** What a field using a scheme that is off (or unknown) is told. */
export function schemeProblem(
  url: string,
  enabled: readonly TesScheme[],
  allowed: readonly TesScheme[],
): string {
  const scheme = schemeOf(url);
  const usable = allowed.filter((s) => enabled.includes(s));
  const list = usable.map((s) => (s === 'file' ? 'file:// or an absolute path' : `${s}://`));
  const use = list.length > 0 ? `use ${list.join(', ')}` : 'no scheme is switched on for it';
  if (scheme !== undefined && allowed.includes(scheme) && !enabled.includes(scheme)) {
    return `the ${scheme} scheme is switched off on this server (tes.schemes); ${use}`;
  }
  return `is not supported here (${use})`;
}
