import { describe, expect, it } from 'vitest';
import { imageToolsAvailability } from './container-tools.js';

describe('imageToolsAvailability', () => {
  const all = () => true;

  it('runs the image suites as root with buildah, podman and debootstrap', () => {
    expect(imageToolsAvailability('', all, true)).toEqual({ available: true });
  });

  it('skips outside CI, naming what is missing and how to install it', () => {
    const result = imageToolsAvailability('', (tool) => tool === 'buildah', false);
    expect(result.available).toBe(false);
    if (!result.available) {
      expect(result.reason).toContain('podman, debootstrap not found (apt-get install -y podman debootstrap)');
      expect(result.reason).toContain('not running as root');
    }
  });

  it('fails under CI instead of skipping', () => {
    expect(() => imageToolsAvailability('true', () => false, true)).toThrow(
      /CI is set, so the image tests are mandatory/,
    );
  });
});
