import { mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { canonicalJson } from '@faramesh/canonical';
import { type AuditedEvent, eventHash, GENESIS_HASH } from '@faramesh/store';
import { describe, expect, it } from 'vitest';
import { sampleAction } from '../../../../store/src/contract/fixtures.js';
import { generateLedgerKey, parseSigningKey, parseVerifyKey } from '../ledger-key.js';
import { verifySegments } from './segment-set.js';
import { verifySegmentFile } from './segment-verify.js';
import { SegmentWriter } from './segment-writer.js';

/** A well-chained stretch of `n` events starting after `prev`. */
function chain(n: number, prev = { seq: 0, hash: GENESIS_HASH }): AuditedEvent[] {
  const out: AuditedEvent[] = [];
  let { seq, hash } = prev;
  for (let i = 0; i < n; i += 1) {
    const action = { ...sampleAction(), version: 1, updated_at: '2030-01-01T00:00:00.000Z' };
    const fields = {
      id: crypto.randomUUID(),
      action_id: action.id,
      event_type: 'created',
      meta: { i },
      created_at: action.created_at,
      action,
    };
    const next = eventHash(hash, fields);
    seq += 1;
    out.push({
      seq,
      action_id: action.id,
      event_type: 'created',
      hash: next,
      prev_hash: hash,
      event: { seq, prev_hash: hash, hash: next, ...fields },
      stored: { meta: canonicalJson(fields.meta), snapshot: canonicalJson(action) },
    });
    hash = next;
  }
  return out;
}

async function written(events: AuditedEvent[], maxBytes = 1 << 20, signed = true) {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-segment-'));
  const pair = generateLedgerKey();
  const writer = new SegmentWriter(dir, maxBytes, signed ? parseSigningKey(pair.secret) : null);
  await writer.write(events);
  const segments = await writer.finish();
  return { dir, segments, paths: segments.map((s) => join(dir, s.file)), key: parseVerifyKey(pair.public) };
}

describe('segment files', () => {
  it('verify offline, with the checkpoint signature, and list nothing but complete files', async () => {
    const { dir, paths, key, segments } = await written(chain(5));
    const result = await verifySegmentFile(paths[0]!, key);
    expect(result).toMatchObject({
      ok: true,
      first_seq: 1,
      last_seq: 5,
      count: 5,
      prev_hash: GENESIS_HASH,
      signature: 'valid',
    });
    expect(readdirSync(dir)).toEqual([segments[0]!.file]);
    expect((await verifySegmentFile(paths[0]!, null)).signature).toBe('unverified');
  });

  it('verify against a given key only when that key signed them: unsigned or another key fails', async () => {
    const events = chain(3);
    const unsigned = await written(events, 1 << 20, false);
    const other = await written(events);
    const { key } = await written(chain(1));
    expect((await verifySegmentFile(unsigned.paths[0]!, null)).ok).toBe(true);
    const noSignature = await verifySegmentFile(unsigned.paths[0]!, key);
    expect(noSignature.ok).toBe(false);
    expect(noSignature.problems[0]!.message).toMatch(/not signed, but key .* was given/);
    const otherKey = await verifySegmentFile(other.paths[0]!, key);
    expect(otherKey.ok).toBe(false);
    expect(otherKey.problems[0]!.message).toMatch(/signed by key .*, not by the key given/);
    expect((await verifySegmentFile(other.paths[0]!, other.key)).ok).toBe(true);
  });

  it('hold the seqs their name says, and say whether they start the ledger', async () => {
    const { paths, key } = await written(chain(6), 2500);
    expect((await verifySegments(paths, key)).from_genesis).toBe(true);
    const later = await verifySegments(paths.slice(1), key);
    expect(later).toMatchObject({ ok: true, from_genesis: false });
    const renamed = join(dirname(paths[0]!), 'faramesh-ledger-0000000000000001-0000000000000128.jsonl');
    renameSync(paths[0]!, renamed);
    const misnamed = await verifySegmentFile(renamed, key);
    expect(misnamed.ok).toBe(false);
    expect(misnamed.problems[0]!.message).toMatch(/named for seqs 1–128 but holds 1–/);
  });

  it('rotate at the size limit into files that chain to each other', async () => {
    const { paths, key } = await written(chain(6), 2500);
    expect(paths.length).toBeGreaterThan(2);
    const set = await verifySegments([...paths].reverse(), key);
    expect(set.ok).toBe(true);
    expect(set.segments.reduce((n, s) => n + s.count, 0)).toBe(6);
    const gap = await verifySegments([paths[0]!, paths[2]!], key);
    expect(gap.ok).toBe(false);
    expect(gap.problems[0]!.message).toMatch(/does not continue/);
  });

  it('name the line of every kind of damage', async () => {
    const cases: Array<[string, (lines: string[]) => string[], RegExp]> = [
      [
        'a field no hash covers',
        (lines) =>
          lines.map((line, index) => (index === 1 ? line.replace('{"seq"', '{"approved_by":"x","seq"') : line)),
        /^2: not a ledger event/,
      ],
      [
        'an edited event',
        (l) => l.map((x, i) => (i === 1 ? x.replace('"i":1', '"i":7') : x)),
        /^2: seq 2: the hash does not match/,
      ],
      ['a removed event', (l) => l.filter((_, i) => i !== 2), /^3: seq 4 does not follow seq 2/],
      ['swapped events', (l) => [l[1]!, l[0]!, ...l.slice(2)], /^1: the hash|^2: seq 1 does not follow/],
      ['a cut file', (l) => l.slice(0, 3), /^0: no checkpoint line/],
      ['a line that is not JSON', (l) => ['{"seq":', ...l.slice(1)], /^1: not JSON/],
      [
        'an edited checkpoint',
        (l) => l.map((x) => x.replace('"count":5', '"count":4')),
        /^6: the checkpoint's count is 4/,
      ],
      [
        'a forged signature',
        (l) => l.map((x) => x.replace(/"signature":"[^"]+"/, '"signature":"AAAA"')),
        /^6: the checkpoint's signature does not verify/,
      ],
      [
        'a line after the checkpoint',
        (l) => [...l.filter((x) => x !== ''), l[0]!, ''],
        /^7: line after the checkpoint/,
      ],
    ];
    for (const [name, damage, expected] of cases) {
      const { paths, key } = await written(chain(5));
      const lines = readFileSync(paths[0]!, 'utf8').split('\n');
      writeFileSync(paths[0]!, damage(lines).join('\n'));
      const result = await verifySegmentFile(paths[0]!, key);
      expect(result.ok, name).toBe(false);
      expect(result.problems.map((p) => `${p.line}: ${p.message}`).join('\n'), name).toMatch(expected);
    }
  });
});
