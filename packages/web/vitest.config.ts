import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Component tests: happy-dom (jsdom 31 needs Node 22). Each test file also names its environment in
// a docblock, so the root vitest run can execute it unchanged.
export default defineConfig({
  plugins: [react()],
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'happy-dom',
    testTimeout: 30_000,
  },
});
