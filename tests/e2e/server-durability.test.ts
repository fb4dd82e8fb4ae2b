import { describe, expect, it } from 'vitest';
import { api, startServer, workDir } from './harness.js';

describe('durability', () => {
  it('loses no acknowledged submission when the server is killed with SIGKILL', async () => {
    const dir = workDir();
    const first = await startServer({ dir: dir.dir });
    const acknowledged: string[] = [];
    let stop = false;
    // 8 concurrent writers submit until the kill; only answers we received count as acknowledged.
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop; i += 1) {
        try {
          const res = await api(first.url, '/v1/actions', {
            body: { agent_id: `w${w}`, tool: 'shell', operation: 'run', params: { cmd: `echo ${i}` } },
          });
          if (res.status === 201) acknowledged.push(res.json.id);
        } catch {
          return; // connection refused or reset: the server is gone
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    await first.kill();
    stop = true;
    await Promise.all(writers);
    expect(acknowledged.length).toBeGreaterThan(50);

    const second = await startServer({ dir: dir.dir });
    try {
      for (const id of acknowledged) {
        const res = await api(second.url, `/v1/actions/${id}/events`);
        expect(res.status, id).toBe(200);
        expect(res.json.map((e: { event_type: string }) => e.event_type)).toEqual(['created', 'decision_made']);
      }
      // And the ledger is still whole: the stream replays from the beginning in order.
      const list = await api(second.url, '/v1/actions?limit=1');
      expect(list.json.total).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      await second.stop();
    }
  });

  it('keeps actions and resumes the stream from the ledger after a restart', async () => {
    const dir = workDir();
    const first = await startServer({ dir: dir.dir });
    const a = (await api(first.url, '/v1/actions', { body: { agent_id: 'r', tool: 'http', operation: 'get' } })).json;
    await first.stop();
    const second = await startServer({ dir: dir.dir });
    try {
      expect((await api(second.url, `/v1/actions/${a.id.slice(0, 8)}`)).json.id).toBe(a.id);
      const res = await fetch(`${second.url}/v1/events`, { headers: { 'last-event-id': '0' } });
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('id: 2\n')) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      expect(text).toContain('id: 1\nevent: action.created');
    } finally {
      await second.stop();
    }
  });
});
