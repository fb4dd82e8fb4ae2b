import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dev server proxies the API to a running `faramesh serve` (default port 8000).
const api = process.env.FARAMESH_DEV_API ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // The server's CSP is `script-src 'self'`: Vite's module-preload polyfill is an inline script.
    modulePreload: { polyfill: false },
    // Fonts and images stay files (no data: URIs except images, which the CSP allows).
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/v1': { target: api, changeOrigin: false },
      '/playground/eval': { target: api, changeOrigin: false },
    },
  },
});
