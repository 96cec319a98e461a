import type { AppDeps, VitrineHono } from '../app-deps.js';

/** Liveness, open to all: registered before authentication. */
export function register(app: VitrineHono, deps: AppDeps): void {
  app.get('/api/health', (c) => c.json({ status: 'ok', version: deps.version }));
}
