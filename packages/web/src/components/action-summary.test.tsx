// @vitest-environment happy-dom
import '../test/setup.js';
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeAction } from '../test/fake-server.js';
import { ActionSummary } from './action-summary.js';

describe('ActionSummary', () => {
  it('shows the summary with hidden characters as markers, and all of it spelled out on hover', () => {
    const action = makeAction({ summary: 'rm\u200b -rf /tmp/cache' });
    const { container } = render(<ActionSummary action={action} />);
    expect(container.textContent).toBe('rm⟨U+200B⟩ -rf /tmp/cache');
    expect(container.textContent).not.toContain('\u200b');
    expect(container.querySelector('[data-summary]')?.getAttribute('title')).toBe('rm⟨U+200B⟩ -rf /tmp/cache');
  });

  it('falls back to the params as JSON when the server sends no summary', () => {
    const { summary: _summary, ...action } = makeAction({ params: { cmd: 'ls' } });
    const { container } = render(<ActionSummary action={action} />);
    expect(container.textContent).toBe('{"cmd":"ls"}');
  });

  it('says so when there are no params', () => {
    const { container } = render(<ActionSummary action={makeAction({ params: {}, summary: '' })} />);
    expect(container.textContent).toBe('no params');
  });
});
