/**
 * Serves the web dashboard at `/` and its assets at `/dashboard/{file}`, plus the browsable API
 * documents at `/v1/jobproxy/docs` and `/ga4gh/tes/v1/docs`. The pages are static HTML and CSS
 * (./static/, copied into dist by the build) and the scripts compiled from ./client/; nothing is
 * loaded from anywhere else (the Content-Security-Policy says so to the browser).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { JobProxyError } from '../../errors.js';

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));
const CLIENT_DIR = fileURLToPath(new URL('./client/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Everything from this origin only; no inline script. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

interface Asset {
  body: Buffer;
  type: string;
}

/** The files of `dir` with a served extension, read once (name → asset). */
function readAssets(dir: string, extensions: string[]): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir)) return assets;
  for (const name of readdirSync(dir)) {
    const extension = extensions.find((e) => name.endsWith(e));
    if (!extension || name.endsWith('.test.js')) continue;
    assets.set(name, { body: readFileSync(`${dir}${name}`), type: CONTENT_TYPES[extension]! });
  }
  return assets;
}

function notBuilt(file: string): JobProxyError {
  return new JobProxyError('UNAVAILABLE', {
    problem: `the dashboard asset ${file} is missing; build the project (npm run build)`,
  });
}

/** Registers `/`, `/dashboard/{file}` and the two docs pages. */
/** The dashboard's pages and assets, as a fastify plugin (app.register). */
export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  const pages = readAssets(STATIC_DIR, ['.html']);
  const assets = new Map([
    ...readAssets(STATIC_DIR, ['.css', '.svg']),
    ...readAssets(CLIENT_DIR, ['.js']),
  ]);
  if (!pages.has('index.html')) {
    app.log.warn({ dir: STATIC_DIR }, 'dashboard assets are missing; build the project');
  }
  const send = (reply: FastifyReply, asset: Asset): FastifyReply =>
    reply.headers(SECURITY_HEADERS).type(asset.type).send(asset.body);
  const page = (name: string) => async (_request: unknown, reply: FastifyReply) => {
    const asset = pages.get(name);
    if (!asset) throw notBuilt(name);
    return send(reply, asset);
  };

  app.get('/', page('index.html'));
  app.get('/v1/jobproxy/docs', page('api-docs.html'));
  app.get('/ga4gh/tes/v1/docs', page('api-docs.html'));
  app.get<{ Params: { file: string } }>('/dashboard/:file', async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (!asset) {
      throw new JobProxyError('ROUTE_NOT_FOUND', {
        method: request.method,
        url: request.url.split('?')[0]!,
      });
    }
    return send(reply, asset);
  });
}
