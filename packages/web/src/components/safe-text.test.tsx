// @vitest-environment happy-dom
import '../test/setup.js';
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { JsonView } from './json-view.js';
import { SafeText } from './safe-text.js';

describe('SafeText', () => {
  it('renders markup in agent data as literal text, creating no elements', () => {
    const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const { container } = render(<SafeText text={payload} />);
    expect(container.textContent).toBe(payload);
    expect(container.querySelector('img, script')).toBeNull();
  });

  it('shows a bidi override as a visible ⟨U+202E⟩ marker with its name on hover', () => {
    const { container } = render(<SafeText text={'file\u202Etxt.exe'} />);
    const marker = container.querySelector('.hidden-char');
    expect(marker?.textContent).toBe('⟨U+202E⟩');
    expect(marker?.getAttribute('title')).toContain('RIGHT-TO-LEFT OVERRIDE');
    expect(container.textContent).not.toContain('\u202E');
  });
});

describe('JsonView', () => {
  it('pretty-prints params and reveals hidden characters inside string values', () => {
    const { container } = render(<JsonView value={{ cmd: 'echo\u200Bhi', n: 1 }} label="Parameters" />);
    expect(container.textContent).toContain('"cmd": "echo⟨U+200B⟩hi"');
    expect(container.querySelector('pre')?.getAttribute('aria-label')).toBe('Parameters');
  });
});
