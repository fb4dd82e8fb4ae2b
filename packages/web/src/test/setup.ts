import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Unmount between tests so document-level key listeners of one test can't fire in the next.
afterEach(() => {
  cleanup();
  sessionStorage.clear();
  localStorage.clear();
  window.history.replaceState(null, '', '/');
});
