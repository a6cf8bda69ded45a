/**
 * Downloads an http(s) TES input to a file, through the address guard (http-guard.ts): the
 * guard runs in the socket's own name lookup, so the address checked is the address connected
 * to; redirects are followed by hand (at most 5), each through the guard again. A server that
 * sends nothing for a minute, or more than the byte cap, fails the download.
 */
import { createWriteStream } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { addressGuard, type HttpSettings } from './http-guard.js';

/** A download that sends nothing for this long fails: a stalled server must not hold a task. */
export const DOWNLOAD_STALL_MS = 60 * 1000;
const MAX_REDIRECTS = 5;

/** A name lookup that refuses the addresses the guard denies. */
function guardedLookup(settings: HttpSettings): LookupFunction {
  const refuse = addressGuard(settings);
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, '', 0);
      const addresses = found as LookupAddress[];
      const bad = addresses.map((a) => refuse(a.address)).find(Boolean);
      if (bad) return callback(Object.assign(new Error(bad), { code: 'EADDRNOTALLOWED' }), '', 0);
      if ((options as { all?: boolean }).all) return callback(null, addresses as never, 0);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

function request(url: URL, settings: HttpSettings): Promise<IncomingMessage> {
  const get = url.protocol === 'https:' ? httpsGet : httpGet;
  // An address written in the URL is connected to without a lookup: judged here.
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  const refused = isIP(literal) ? addressGuard(settings)(literal) : undefined;
  if (refused) return Promise.reject(new Error(refused));
  return new Promise((resolve, reject) => {
    const req = get(url, { lookup: guardedLookup(settings), timeout: DOWNLOAD_STALL_MS }, resolve);
    req.on('timeout', () => req.destroy(new Error(`no answer for ${DOWNLOAD_STALL_MS / 1000} s`)));
    req.on('error', reject);
  });
}

/** Fails the stream past `maxBytes` (0: no cap). */
function byteCap(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (maxBytes > 0 && seen > maxBytes) {
        done(
          new Error(`the download is larger than the cap of ${maxBytes} bytes (tes.httpMaxBytes)`),
        );
      } else done(null, chunk);
    },
  });
}

/** Downloads `url` to `path`; throws a message naming the URL. */
export async function downloadHttp(
  url: string,
  path: string,
  settings: HttpSettings,
): Promise<void> {
  try {
    let at = new URL(url);
    for (let hops = 0; ; hops++) {
      const response = await request(at, settings);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location) {
        response.resume();
        if (hops >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
        at = new URL(location, at);
        if (at.protocol !== 'http:' && at.protocol !== 'https:') {
          throw new Error(`a redirect to ${at.protocol} is not followed`);
        }
        continue;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        throw new Error(`GET ${url} answered ${status} ${response.statusMessage ?? ''}`.trim());
      }
      response.setTimeout(DOWNLOAD_STALL_MS, () =>
        response.destroy(new Error(`no data for ${DOWNLOAD_STALL_MS / 1000} s`)),
      );
      await pipeline(response, byteCap(settings.maxBytes), createWriteStream(path));
      return;
    }
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.startsWith('GET ') ? message : `GET ${url} failed: ${message}`);
  }
}
