import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { AppDeps, VitrineHono } from '../app-deps.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** The dashboard: files of web/dist, and index.html for every other path (client routing). */
export function register(app: VitrineHono, deps: AppDeps): void {
  const { staticDir } = deps;
  app.get('*', (c) => {
    if (!staticDir || !existsSync(join(staticDir, 'index.html'))) {
      return c.text('The dashboard is not built: run "npm run build". The API is at /api.', 404);
    }
    const rel = normalize(decodeURIComponent(c.req.path)).replace(/^([/\\])+/, '');
    let file = join(staticDir, rel);
    if (!file.startsWith(staticDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      file = join(staticDir, 'index.html');
    }
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    c.header('Content-Type', type);
    // Built assets carry a content hash in their name; index.html must always be fresh.
    c.header(
      'Cache-Control',
      file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    return c.body(readFileSync(file));
  });
}
