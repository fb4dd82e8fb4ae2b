import { describe, expect, it } from 'vitest';
import { generateLedgerKey } from '../audit/ledger-key.js';
import { ConfigError, resolveConfig } from './config.js';

const resolve = (env: Record<string, string>) => resolveConfig({}, env, {}, '/srv/faramesh');

describe('ledger configuration', () => {
  it('defaults to unsigned checkpoints every 300 s, checks every 60 s, no file', () => {
    expect(resolve({}).ledger).toEqual({
      key: null,
      checkpointFile: null,
      checkpointIntervalSeconds: 300,
      checkIntervalSeconds: 60,
      archiveDir: null,
      archiveSegmentBytes: 256 * 1024 * 1024,
    });
  });

  it('reads the archive directory (relative to the working directory) and the segment size', () => {
    expect(resolve({ FARAMESH_ARCHIVE_DIR: 'archive', FARAMESH_ARCHIVE_SEGMENT_MB: '8' }).ledger).toMatchObject({
      archiveDir: '/srv/faramesh/archive',
      archiveSegmentBytes: 8 * 1024 * 1024,
    });
  });

  it('reads the key, a relative checkpoint file and the intervals', () => {
    const pair = generateLedgerKey();
    const ledger = resolve({
      FARAMESH_LEDGER_KEY: pair.secret,
      FARAMESH_CHECKPOINT_FILE: 'audit/checkpoints.jsonl',
      FARAMESH_CHECKPOINT_INTERVAL: '0',
      FARAMESH_LEDGER_CHECK_INTERVAL: '5',
    }).ledger;
    expect(ledger.key?.keyId).toBe(pair.keyId);
    expect(ledger).toMatchObject({
      checkpointFile: '/srv/faramesh/audit/checkpoints.jsonl',
      checkpointIntervalSeconds: 0,
      checkIntervalSeconds: 5,
    });
  });

  it('refuses a malformed key or a public key, naming the variable but not the value', () => {
    for (const key of ['hunter2-hunter2', generateLedgerKey().public]) {
      const error = (() => {
        try {
          resolve({ FARAMESH_LEDGER_KEY: key });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(
        'FARAMESH_LEDGER_KEY: the ledger key must start with "ed25519-secret:"',
      );
      expect((error as Error).message).not.toContain(key);
    }
  });
});
