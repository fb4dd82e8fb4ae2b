import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../testing/harness.js';

const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

describe('doctor and notification channels', () => {
  it("lists the configured webhooks without their secrets, and fails on a policy's unknown notify", async () => {
    const dir = tempDir();
    await cli(['init'], { cwd: dir });
    writeFileSync(
      join(dir, 'channels.yaml'),
      'webhooks:\n  ops:\n    url: https://hooks.example.com/faramesh?token=x\n    events: [decision_made]\n    secret_env: OPS_SECRET\n',
    );
    const env = { FARAMESH_PORT: '1', FARAMESH_CHANNELS_FILE: 'channels.yaml', OPS_SECRET: SECRET };
    const ok = await cli(['doctor'], { cwd: dir, env });
    expect(ok.stdout).toContain('Notifications: 1 webhook(s) from');
    expect(ok.stdout).toContain('ops → https://hooks.example.com/faramesh (events decision_made; one secret)');
    expect(ok.stdout + ok.stderr).not.toContain(SECRET);

    const policy = join(dir, 'policies', 'default.yaml');
    const text = readFileSync(policy, 'utf8');
    writeFileSync(policy, text.replace('require_approval: true', 'require_approval: true\n    notify: [finance]'));
    const bad = await cli(['doctor'], { cwd: dir, env });
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toContain('Policy notifies channels that are not configured');
    expect(bad.stdout).toContain('notifies "finance", which is not configured');
  });

  it('lists email channels by host, TLS mode and sign-in, never the SMTP password or the link secret', async () => {
    const dir = tempDir();
    await cli(['init'], { cwd: dir });
    writeFileSync(
      join(dir, 'channels.yaml'),
      'email:\n  finance-email:\n    smtp: { host: smtp.corp.example, username: faramesh, password_env: SMTP_PASSWORD }\n    from: faramesh@corp.example\n    recipients: [approvers]\n    link_only: true\n',
    );
    const env = {
      FARAMESH_PORT: '1',
      FARAMESH_CHANNELS_FILE: 'channels.yaml',
      FARAMESH_PUBLIC_URL: 'https://faramesh.corp.example',
      FARAMESH_EMAIL_LINK_SECRET: 'email-link-secret-0123456789abcdef0123',
      SMTP_PASSWORD: 'smtp-password-never-printed',
    };
    const ok = await cli(['doctor'], { cwd: dir, env });
    expect(ok.stdout).toContain('Notifications: 0 webhook(s), 1 email channel(s) from');
    expect(ok.stdout).toContain(
      'finance-email → smtp smtp.corp.example:587 (STARTTLS required; 1 recipient entry; link-only approval)',
    );
    expect(ok.stdout + ok.stderr).not.toContain('smtp-password-never-printed');
    expect(ok.stdout + ok.stderr).not.toContain('email-link-secret-0123456789abcdef0123');
  });

  it('lists Slack channels without their secrets, and accepts a notify: naming one', async () => {
    const dir = tempDir();
    await cli(['init'], { cwd: dir });
    const token = `xoxb-${'1'.repeat(24)}`;
    const signing = 'a'.repeat(32);
    writeFileSync(
      join(dir, 'channels.yaml'),
      'slack:\n  bot_token_env: SLACK_BOT_TOKEN\n  signing_secret_env: SLACK_SIGNING_SECRET\n  users: { U0ALICE: alice }\n  users_by_email: true\n  channels:\n    finance: { channel: C0FINANCE }\n',
    );
    const policy = join(dir, 'policies', 'default.yaml');
    writeFileSync(
      policy,
      readFileSync(policy, 'utf8').replace('require_approval: true', 'require_approval: true\n    notify: [finance]'),
    );
    const env = {
      FARAMESH_PORT: '1',
      FARAMESH_CHANNELS_FILE: 'channels.yaml',
      SLACK_BOT_TOKEN: token,
      SLACK_SIGNING_SECRET: signing,
    };
    const ok = await cli(['doctor'], { cwd: dir, env });
    expect(ok.stdout).toContain('Notifications: 0 webhook(s), 1 Slack channel(s) from');
    expect(ok.stdout).toContain(
      "finance → Slack channel C0FINANCE via https://slack.com (rules' notify only; users: 1 mapped, others by email)",
    );
    expect(ok.stdout + ok.stderr).not.toContain(token);
    expect(ok.stdout + ok.stderr).not.toContain(signing);
  });
});
