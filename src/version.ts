/** JobProxy's own version, from package.json (the root of the checkout, above dist/). */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    // dist/src/version.js → ../../package.json
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export const VERSION = readVersion();
