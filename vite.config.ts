// The web app (src/web) builds to dist/web; the Sitekeeper server serves it at / with an SPA
// fallback and keeps /api for itself. In dev, Vite proxies /api to a server on :8080.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('./src/web', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: false,
    // The QR reader's .wasm is ~1 MB; it is fetched from our own origin by the decode worker.
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./src/web/index.html', import.meta.url)),
        // The service worker must sit at /sw.js (its scope is the folder it is served from).
        sw: fileURLToPath(new URL('./src/web/pwa/sw.ts', import.meta.url)),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  worker: { format: 'es' },
  server: {
    proxy: { '/api': 'http://localhost:8080', '/docs': 'http://localhost:8080' },
  },
});
