import { describe, expect, it } from 'vitest';
import { parseActionInput } from './parse-action-input.js';

describe('parseActionInput', () => {
  it('accepts a submit body', () => {
    expect(parseActionInput('{"tool":"shell","operation":"run","params":{"cmd":"ls"}}').ok).toBe(true);
  });

  it('explains what is wrong', () => {
    expect(parseActionInput('{').ok).toBe(false);
    expect(parseActionInput('[]')).toMatchObject({ ok: false, error: expect.stringContaining('object') });
    expect(parseActionInput('{"tool":"x"}')).toMatchObject({ ok: false, error: expect.stringContaining('operation') });
    expect(parseActionInput('{"tool":"x","operation":"y","extra":1}')).toMatchObject({
      error: expect.stringContaining('extra'),
    });
  });
});
