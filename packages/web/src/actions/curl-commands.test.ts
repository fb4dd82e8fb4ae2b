import { describe, expect, it } from 'vitest';
import { makeAction } from '../test/fake-server.js';
import { curlCommands, shellQuote } from './curl-commands.js';

describe('curlCommands', () => {
  it('quotes for a POSIX shell so no value can break out', () => {
    expect(shellQuote("it's $(rm -rf /)")).toBe(`'it'\\''s $(rm -rf /)'`);
  });

  it('references $FARAMESH_TOKEN instead of pasting the session token', () => {
    const [get] = curlCommands(makeAction(), 'http://h:8000', true);
    expect(get?.command).toContain('Authorization: Bearer $FARAMESH_TOKEN');
  });

  it('offers approve and deny commands bound to the request hash only while pending', () => {
    const pending = curlCommands(makeAction(), 'http://h', false).map((c) => c.label);
    expect(pending).toEqual(['Get action', 'Event timeline', 'Explain decision', 'Approve', 'Deny']);
    const approve = curlCommands(makeAction(), 'http://h', false)[3]?.command ?? '';
    expect(approve).toContain(`"request_hash":"${'b'.repeat(64)}`);
    expect(curlCommands(makeAction({ status: 'approved' }), 'http://h', false)).toHaveLength(3);
  });
});
