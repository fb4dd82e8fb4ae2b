import { join } from 'node:path';
import { redactionKeyId } from '@faramesh/server/redaction';
import { createSqliteStore } from '@faramesh/store';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../testing/harness.js';

const KEY_A = 'a'.repeat(40);
const KEY_B = 'b'.repeat(40);
const ID_A = redactionKeyId(KEY_A);
const ID_B = redactionKeyId(KEY_B);

/** A started-once database (`init` and a migrated store), recording `recorded` as its redaction key id. */
async function database(recorded: string | null): Promise<string> {
  const dir = tempDir();
  await cli(['init'], { cwd: dir });
  const store = createSqliteStore({ path: join(dir, 'data/actions.db') });
  await store.migrate();
  if (recorded !== null) {
    await store.settings.compareAndSet({ name: 'redaction_key_id', expected: null, value: recorded, at: 'then' });
  }
  await store.close();
  return dir;
}

const doctor = async (cwd: string, env: Record<string, string>) =>
  (await cli(['doctor'], { cwd, env: { FARAMESH_PORT: '1', ...env } })).stdout;

describe('doctor and the redaction key id', () => {
  it("reports this configuration's key id against the one the database records", async () => {
    const none = await database(null);
    expect(await doctor(none, { FARAMESH_REDACTION_KEY: KEY_A })).toContain(
      `✓ Redaction key id ${ID_A} (the database records none yet: the next start records it)`,
    );
    expect(await doctor(none, {})).not.toContain('Redaction');
    const recorded = await database(ID_A);
    expect(await doctor(recorded, { FARAMESH_REDACTION_KEY: KEY_A })).toContain(
      `✓ Redaction key id ${ID_A} (as the database records)`,
    );
    expect(await doctor(recorded, {})).toContain(
      `✓ Redaction: no FARAMESH_REDACTION_KEY here; the database's redacted values were digested with key id ${ID_A}`,
    );
  });

  it('fails for another key, as the server would refuse it, and says what a rotation would do', async () => {
    const dir = await database(ID_A);
    const other = await doctor(dir, { FARAMESH_REDACTION_KEY: KEY_B });
    expect(other).toContain(`✗ Redaction key id ${ID_B} is not the database's: the server will refuse to start`);
    expect(other).toContain(`this server's key id is ${ID_B}, the database records ${ID_A}`);
    const rotating = await doctor(dir, { FARAMESH_REDACTION_KEY: KEY_B, FARAMESH_REDACTION_KEY_ROTATE: ID_A });
    expect(rotating).toContain(`! Redaction key id ${ID_B} replaces the database's ${ID_A} at the next start`);
  });

  it('never prints a recorded value that is not a key id', async () => {
    const dir = await database('\u001b[31mnot an id');
    const out = await doctor(dir, {});
    expect(out).toContain('(not a key id: the setting was changed outside Faramesh)');
    expect(out).not.toContain('not an id');
    expect(await doctor(dir, { FARAMESH_REDACTION_KEY: KEY_A })).toContain('setting is not a key id');
  });
});
