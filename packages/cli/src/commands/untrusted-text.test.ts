import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FarameshClient } from '@faramesh/sdk';
import { createSqliteStore } from '@faramesh/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startServer, type TestServer, tempDir } from '../testing/harness.js';

// What an agent or another user can write into free text: erase the line, move up, return to its
// start, print a fake approval in green, then flip what follows right to left and hide a zero width.
const TEXT = 'boom\u001b[2K\u001b[1A\rStatus: \u001b[32mapproved\u001b[0m\u202eexe.txt\u2066\u200b\u007f\u009b2J';
// Names refuse control characters, not bidi ones.
const name = (word: string) => `${word}\u202e\u2066x`;
// Anything a terminal acts on or hides; a line feed only ends a line the CLI itself wrote.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters that must never be printed raw
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

const POLICY = `
rules:
  - match: { tool: "*" }
    require_approval: true
`;

let srv: TestServer;
let dir: string;
let client: FarameshClient;

beforeAll(async () => {
  dir = tempDir();
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  // Open mode: one identity that may submit, approve, break glass and acknowledge.
  srv = await startServer({
    policyFile: join(dir, 'policy.yaml'),
    store: createSqliteStore({ path: join(dir, 'actions.db') }),
  });
  client = new FarameshClient({ baseUrl: srv.url });
});
afterAll(async () => {
  await srv.close();
});

const submit = () =>
  client.submitAction({
    agent_id: name('bot'),
    tool: name('shell'),
    operation: name('run'),
    params: { cmd: `echo ${TEXT}` },
    context: { why: TEXT },
  });

async function shown(argv: string[]): Promise<string> {
  const out = await cli(argv, { env: srv.env, cwd: dir });
  expect(out.code, `${argv.join(' ')}: ${out.stderr}`).toBe(0);
  return out.stdout + out.stderr;
}

describe("what agents and people wrote, in the CLI's human output", () => {
  it('never reaches the terminal raw: escapes, controls and bidi characters are visible markers', async () => {
    const approved = await submit();
    const broken = await submit();
    const denied = await submit();
    const short = (id: string) => id.slice(0, 8);

    const outputs: Record<string, string> = {};
    const run = async (argv: string[]) => {
      outputs[argv.map((arg) => (arg === TEXT ? 'TEXT' : arg)).join(' ')] = await shown(argv);
    };
    await run(['grants', 'propose', short(approved.id)]);
    await run(['approve', short(approved.id), '--reason', TEXT, '--grant-for', '1h']);
    await client.start(approved.id);
    await client.reportResult(approved.id, false, TEXT);
    await run(['approve', short(broken.id), '--break-glass', '--reason', TEXT]);
    await run(['deny', short(denied.id), '--reason', TEXT]);
    await run(['reviews', 'list']);
    const doctor = await cli(['doctor', '--policy', join(dir, 'policy.yaml'), '--db', join(dir, 'actions.db')], {
      env: srv.env,
      cwd: dir,
    });
    outputs.doctor = doctor.stdout + doctor.stderr;
    await run(['reviews', 'ack', short(broken.id), '--note', TEXT]);
    const [grant] = (await client.listGrants({ state: 'all' })).items;
    if (grant === undefined) throw new Error('approve --grant-for made no grant');
    await run(['grants', 'revoke', grant.id, '--reason', TEXT]);
    for (const argv of [
      ['list'],
      ['list', '--full'],
      ['reviews', 'list', '--status', 'all'],
      ['grants', 'list', '--all'],
      ['grants', 'show', grant.id],
      ...[approved, broken, denied].flatMap((action) => [
        ['get', action.id],
        ['explain', action.id],
        ['events', action.id, '--full'],
        ['logs', action.id],
      ]),
      ['replay', approved.id],
    ]) {
      await run(argv);
    }

    for (const [command, text] of Object.entries(outputs)) {
      expect(text, command).not.toMatch(RAW);
      expect(text.length, command).toBeGreaterThan(0);
    }
    expect(outputs[`get ${approved.id}`]).toContain('boom⟨U+001B⟩[2K⟨U+001B⟩[1A⟨U+000D⟩Status: ⟨U+001B⟩[32mapproved');
    expect(outputs[`get ${approved.id}`]).toContain(`Agent:`);
    expect(outputs[`get ${approved.id}`]).toContain('bot⟨U+202E⟩⟨U+2066⟩x');
    expect(outputs['reviews list']).toContain('reason: boom⟨U+001B⟩[2K');
    expect(outputs[`deny ${short(denied.id)} --reason TEXT`]).toContain('Denied');
    expect(outputs.doctor).toContain('boom⟨U+001B⟩[2K');
    // The proposal stays JSON that parses back to exactly what the agent sent.
    expect(JSON.parse(outputs[`grants propose ${short(approved.id)}`] ?? '')).toEqual(
      (await client.grantProposal(denied.id)).scope,
    );
  });

  it('stays exact in --json output', async () => {
    const action = await submit();
    await shown(['deny', action.id, '--reason', TEXT]);
    const json = await cli(['--json', 'get', action.id], { env: srv.env });
    expect(JSON.parse(json.stdout)).toMatchObject({ approval_reason: TEXT, agent_id: name('bot') });
  });
});
