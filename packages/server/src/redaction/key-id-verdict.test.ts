import { describe, expect, it } from 'vitest';
import { keyIdVerdict, resolveKeyRotation } from './key-id-verdict.js';

const OWN = '0123456789abcdef';
const OLD = 'fedcba9876543210';

describe('keyIdVerdict', () => {
  it('records the id where none is, and accepts the same id', () => {
    expect(keyIdVerdict({ own: OWN, recorded: null, rotateFrom: null })).toEqual({ kind: 'record', warning: null });
    expect(keyIdVerdict({ own: OWN, recorded: OWN, rotateFrom: null })).toEqual({ kind: 'same', warning: null });
  });

  it('refuses another id, naming both and the rotation that would replace it', () => {
    const verdict = keyIdVerdict({ own: OWN, recorded: OLD, rotateFrom: null });
    expect(verdict.kind).toBe('refused');
    const problem = verdict.kind === 'refused' ? verdict.problem : '';
    expect(problem).toContain(`this server's key id is ${OWN}, the database records ${OLD}`);
    expect(problem).toContain(`FARAMESH_REDACTION_KEY_ROTATE=${OLD}`);
  });

  it('rotates only from the id the database records', () => {
    expect(keyIdVerdict({ own: OWN, recorded: OLD, rotateFrom: OLD })).toEqual({ kind: 'rotate', from: OLD });
    expect(keyIdVerdict({ own: OWN, recorded: OLD, rotateFrom: OWN })).toMatchObject({
      kind: 'refused',
      problem: expect.stringContaining(`is not the redaction key id the database records (${OLD};`),
    });
  });

  it('warns of a rotation left set that has nothing to rotate', () => {
    for (const recorded of [null, OWN]) {
      expect(keyIdVerdict({ own: OWN, recorded, rotateFrom: OLD })).toMatchObject({
        warning: expect.stringContaining('there is nothing to rotate'),
      });
    }
  });

  it('refuses a recorded value that is not a key id, in one line that never quotes it', () => {
    for (const recorded of [
      '',
      'ABCDEF0123456789',
      `${OLD}0`,
      `${OLD}\n`,
      '\u001b]0;pwned\u0007',
      'x'.repeat(10_000),
    ]) {
      const verdict = keyIdVerdict({ own: OWN, recorded, rotateFrom: recorded });
      expect(verdict.kind).toBe('refused');
      const problem = verdict.kind === 'refused' ? verdict.problem : '';
      expect(problem).toContain('is not a key id');
      expect(problem).not.toContain('pwned');
      expect(problem.length).toBeLessThan(400);
      expect(problem).not.toContain('\n');
      expect(problem).not.toContain('\u001b');
    }
  });
});

describe('resolveKeyRotation (FARAMESH_REDACTION_KEY_ROTATE)', () => {
  it('takes the key id being replaced, in any case, and needs a key to rotate to', () => {
    const problems: string[] = [];
    expect(resolveKeyRotation(undefined, false, problems)).toBeNull();
    expect(resolveKeyRotation(` ${OLD.toUpperCase()} `, true, problems)).toBe(OLD);
    expect(problems).toEqual([]);
    expect(resolveKeyRotation(OLD, false, problems)).toBe(OLD);
    expect(problems).toEqual(['FARAMESH_REDACTION_KEY_ROTATE needs FARAMESH_REDACTION_KEY (the new key)']);
  });

  it('refuses a yes/no or anything that is not a key id, so a flag left on never rotates to any key', () => {
    for (const raw of ['1', 'true', OLD.slice(1), `${OLD}00`, 'g'.repeat(16)]) {
      const problems: string[] = [];
      expect(resolveKeyRotation(raw, true, problems)).toBeNull();
      expect(problems).toEqual([expect.stringContaining('must be the redaction key id being replaced')]);
    }
  });
});
