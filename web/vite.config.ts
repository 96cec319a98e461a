import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard is built into web/dist and served by `vitrine serve`; the dev server proxies
// /api to a running `vitrine serve` on the default port.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: { output: { manualChunks: { echarts: ['echarts/core'] } } },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:4310' } },
});
