import { createMemoryStore, type NewAction, type Store } from '@faramesh/store';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../http/api-error.js';
import { sampleAction } from '../testing/sample-action.js';
import { resolveActionId } from './id-resolution.js';

function action(id: string, submittedBy: string | null): NewAction {
  return sampleAction({
    id,
    tool: 'shell',
    operation: 'run',
    submitted_by: submittedBy,
    created_at: '2026-01-01T00:00:00.000Z',
  });
}

const A = '2755d4a8-1000-47e6-873c-b9fd535234ad';
const B = '2755d4a8-2000-47e6-873c-b9fd535234ad';
const C = '9a000000-0000-4000-8000-000000000000';

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('resolveActionId', () => {
  let store: Store;
  const all = () => true;

  beforeEach(async () => {
    store = createMemoryStore();
    await store.migrate();
    for (const [id, by] of [
      [A, 'bot'],
      [B, 'other'],
      [C, 'bot'],
    ] as const) {
      await store.createAction({
        action: action(id, by),
        events: [{ id: `${id.slice(0, 35)}f`, event_type: 'created', meta: {} }],
      });
    }
  });

  it('finds a full id, in any case', async () => {
    expect((await resolveActionId(store, A.toUpperCase(), all)).id).toBe(A);
  });

  it('resolves a unique prefix', async () => {
    expect((await resolveActionId(store, '9a00', all)).id).toBe(C);
    expect((await resolveActionId(store, '2755d4a8-1', all)).id).toBe(A);
  });

  it('reports an ambiguous prefix with every candidate', async () => {
    const error = await failure(resolveActionId(store, '2755d4a8', all));
    expect(error.code).toBe('ambiguous_prefix');
    expect((error.details as { candidates: { id: string }[] }).candidates.map((c) => c.id).sort()).toEqual([A, B]);
  });

  it('ignores actions the caller may not read, so they neither match nor make a prefix ambiguous', async () => {
    const own = (r: { submitted_by: string | null }) => r.submitted_by === 'bot';
    expect((await resolveActionId(store, '2755', own)).id).toBe(A);
    expect((await failure(resolveActionId(store, B, own))).code).toBe('action_not_found');
  });

  it('refuses prefixes that are too short or not hex', async () => {
    expect((await failure(resolveActionId(store, '275', all))).code).toBe('invalid_id');
    expect((await failure(resolveActionId(store, 'zzzz', all))).code).toBe('invalid_id');
    expect((await failure(resolveActionId(store, "2755'; drop", all))).code).toBe('invalid_id');
  });

  it('answers not found for a prefix nobody has', async () => {
    expect((await failure(resolveActionId(store, 'ffff', all))).code).toBe('action_not_found');
  });
});
