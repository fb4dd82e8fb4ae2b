import { afterEach, describe, expect, it } from 'vitest';
import { RedactionKey } from '../redaction/redaction-key.js';
import { startTestServer } from '../testing/test-server.js';

const KEY = 'r'.repeat(48);
const POLICY = `
redact: [params.api_key]
rules:
  - match: { tool: http }
    allow: true
`;

describe('the created event of a submission', () => {
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  afterEach(async () => {
    await server?.close();
  });

  const createdMeta = async (params: Record<string, unknown>) => {
    if (server === undefined) throw new Error('no server');
    const submitted = await server.app.inject({
      method: 'POST',
      url: '/v1/actions',
      payload: { agent_id: 'bot', tool: 'http', operation: 'get', params },
    });
    expect(submitted.statusCode).toBe(201);
    const events = await server.app.inject({ method: 'GET', url: `/v1/actions/${submitted.json().id}/events` });
    return events.json()[0].meta as Record<string, unknown>;
  };

  it('names the redacted paths and the id of the key their digests were made with', async () => {
    server = await startTestServer({ policy: POLICY, env: { FARAMESH_REDACTION_KEY: KEY } });
    const meta = await createdMeta({ api_key: 'sk_live_1', n: 1 });
    expect(meta).toMatchObject({ redacted: ['params.api_key'], redaction_key_id: new RedactionKey(KEY).id });
  });

  it('names neither when nothing was redacted', async () => {
    server = await startTestServer({ policy: POLICY, env: { FARAMESH_REDACTION_KEY: KEY } });
    const meta = await createdMeta({ n: 1 });
    expect(meta).not.toHaveProperty('redacted');
    expect(meta).not.toHaveProperty('redaction_key_id');
  });
});
