import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';
import { UI_CSP } from '../http/security-headers.js';

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Faramesh</title></head>
<body><h1>Faramesh</h1><p>The dashboard is not built. Run <code>npm run build</code> (or <code>faramesh build-ui</code>)
and reload. The API is up: <a href="/health">/health</a>, <a href="/openapi.json">/openapi.json</a>.</p></body></html>`;

/** The built dashboard: hashed assets with long caching, and index.html for the client-side routes. */
export function registerUiRoutes(app: FastifyInstance, ctx: AppContext): void {
  const root = ctx.config.uiDir;

  const sendIndex = async (reply: FastifyReply) => {
    reply.header('content-security-policy', UI_CSP).header('cache-control', 'no-cache');
    const html = root === null ? null : await readFile(join(root, 'index.html'), 'utf8').catch(() => null);
    return reply
      .code(html === null ? 503 : 200)
      .type('text/html; charset=utf-8')
      .send(html ?? NOT_BUILT);
  };

  app.get('/', { config: { public: true }, schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  app.get('/playground', { config: { public: true }, schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  app.get('/shadow', { config: { public: true }, schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  app.get('/grants', { config: { public: true }, schema: { hide: true } }, (_request, reply) => sendIndex(reply));

  app.get<{ Params: { '*': string } }>(
    '/assets/*',
    { config: { public: true }, schema: { hide: true } },
    async (request, reply) => {
      const file = root === null ? null : safeJoin(join(root, 'assets'), request.params['*']);
      const info = file === null ? null : await stat(file).catch(() => null);
      if (file === null || info === null || !info.isFile()) {
        throw new ApiError('not_found', 'no such dashboard asset');
      }
      return reply
        .header('content-security-policy', UI_CSP)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .type(TYPES[extname(file)] ?? 'application/octet-stream')
        .send(await readFile(file));
    },
  );

  /** Other client-side routes of the dashboard (no dot: not a file). */
  app.get<{ Params: { '*': string } }>('/ui/*', { config: { public: true }, schema: { hide: true } }, (_r, reply) =>
    sendIndex(reply),
  );
}

/** Joins a request path under `base`, refusing anything that would escape it. */
function safeJoin(base: string, requested: string): string | null {
  if (requested.includes('\0')) return null;
  const target = normalize(join(base, requested));
  return target.startsWith(base + sep) ? target : null;
}
