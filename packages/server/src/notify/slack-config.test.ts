import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/config.js';
import { slackSecrets } from './slack-standin.test-support.js';

const { botToken, signingSecret } = slackSecrets();
const ENV = { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret };

function resolve(yaml: string, env: Record<string, string> = ENV) {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-slack-config-'));
  const file = join(dir, 'channels.yaml');
  writeFileSync(file, yaml);
  return resolveConfig({ policyFile: join(dir, 'p.yaml'), port: 0 }, { FARAMESH_CHANNELS_FILE: file, ...env }, {}, dir);
}

function configError(yaml: string, env: Record<string, string> = ENV): string {
  try {
    resolve(yaml, env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

const slack = (lines: string) => `slack:
  bot_token_env: SLACK_BOT_TOKEN
  signing_secret_env: SLACK_SIGNING_SECRET
${lines}`;
const CHANNELS = '  channels:\n    finance-slack: { channel: C0123ABCD }\n';

describe('the slack: section of the channels file', () => {
  it('reads secrets from the environment or files, the API URL, the user mapping and the channels', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-slack-secret-'));
    writeFileSync(join(dir, 'signing'), `${signingSecret}\n`);
    const config = resolve(`slack:
  bot_token_env: SLACK_BOT_TOKEN
  signing_secret_file: ${join(dir, 'signing')}
  api_url: http://127.0.0.1:9/stand-in
  users: { U0ALICE: alice, W0BOB: bob@corp.example }
  users_by_email: true
  channels:
    finance-slack: { channel: C0123ABCD }
    vp: { dm: U0VP, all_pending: true }
`).channels.slack;
    expect(config?.botToken.reveal()).toBe(botToken);
    expect(config?.signingSecrets.map((s) => s.reveal())).toEqual([signingSecret]);
    expect(config?.apiUrl.href).toBe('http://127.0.0.1:9/stand-in/');
    expect([...(config?.users ?? [])]).toEqual([
      ['U0ALICE', 'alice'],
      ['W0BOB', 'bob@corp.example'],
    ]);
    expect(config?.usersByEmail).toBe(true);
    expect(config?.channels).toEqual([
      { name: 'finance-slack', target: { channel: 'C0123ABCD' }, allPending: false },
      { name: 'vp', target: { dm: 'U0VP' }, allPending: true },
    ]);
    expect(resolve(slack(CHANNELS)).channels.slack?.apiUrl.href).toBe('https://slack.com/api/');
  });

  it('never shows a secret when the configuration is logged, serialized or inspected', () => {
    const config = resolve(slack(CHANNELS)).channels.slack;
    const shown = `${JSON.stringify(config)} ${inspect(config, { depth: 10 })} ${String(config?.botToken)}`;
    expect(shown).not.toContain(botToken);
    expect(shown).not.toContain(signingSecret);
    expect(shown).toContain('[secret]');
  });

  it('refuses inline secrets, unset variables and malformed secrets, naming the key but not the value', () => {
    expect(
      configError(`slack:\n  bot_token: ${botToken}\n  signing_secret_env: SLACK_SIGNING_SECRET\n${CHANNELS}`),
    ).toMatch(/slack: unknown key `bot_token`[\s\S]*needs one bot token in bot_token_env or bot_token_file/);
    expect(configError(slack(CHANNELS), { SLACK_SIGNING_SECRET: signingSecret })).toContain(
      'slack: environment variable SLACK_BOT_TOKEN is not set',
    );
    const wrong = configError(slack(CHANNELS), {
      SLACK_BOT_TOKEN: 'xoxp-user-token-1234',
      SLACK_SIGNING_SECRET: 'short',
    });
    expect(wrong).toContain('environment variable SLACK_BOT_TOKEN is not a Slack bot token (xoxb-…)');
    expect(wrong).toContain("environment variable SLACK_SIGNING_SECRET is not a Slack app's signing secret");
    expect(wrong).not.toContain('xoxp-user-token-1234');
    expect(configError(slack(CHANNELS).replace('SLACK_BOT_TOKEN', `${botToken}`), {})).not.toContain(botToken.slice(5));
  });

  it('refuses bad channel targets, user ids, names and API URLs, naming the key', () => {
    expect(configError(slack('  channels:\n    ops: { channel: "#ops" }\n'))).toContain(
      'slack.channels.ops.channel must be a Slack conversation id (C…, G…), not a #name',
    );
    expect(configError(slack('  channels:\n    ops: { channel: C0123, dm: U0123 }\n'))).toContain(
      'slack.channels.ops needs exactly one of channel or dm',
    );
    expect(configError(slack('  channels:\n    Ops: { dm: alice }\n'))).toMatch(
      /slack.channels.Ops: the name must be lowercase[\s\S]*slack.channels.Ops.dm must be a Slack user id/,
    );
    expect(configError(slack(`  users: { alice: U0123 }\n${CHANNELS}`))).toContain(
      'slack.users: `alice` is not a Slack user id (U… or W…)',
    );
    expect(configError(slack(`  users: { U0123: "two words" }\n${CHANNELS}`))).toContain(
      'slack.users.U0123 must be an identity name',
    );
    expect(configError(slack(`  api_url: ftp://slack.example/\n${CHANNELS}`))).toContain(
      'slack.api_url must be http or https, not ftp:',
    );
    expect(configError(slack(`  api_url: https://user:pw@slack.example/api\n${CHANNELS}`))).toContain(
      'slack.api_url must be a plain base URL',
    );
    expect(configError(slack('  channels: {}\n'))).toContain('slack.channels must map channel names');
  });

  it('refuses a Slack channel named like a webhook', () => {
    const yaml = `webhooks:\n  ops:\n    url: https://hooks.example.com/x\n    events: ['*']\n    secret_env: HOOK\n${slack(
      '  channels:\n    ops: { channel: C0123ABCD }\n',
    )}`;
    const env = { ...ENV, HOOK: `whsec_${Buffer.alloc(32, 7).toString('base64')}` };
    expect(configError(yaml, env)).toContain('the name ops is both a webhook and a Slack channel');
  });
});
