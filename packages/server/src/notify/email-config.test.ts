import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig, type ServerConfig } from '../config/config.js';

const LINK_SECRET = 'link-secret-0123456789abcdef0123456789';
const SMTP_PASSWORD = 'smtp-pass-never-shown-4f2a';

/** resolveConfig with a channels file holding `yaml`: the config, or the error message. */
function resolve(yaml: string, env: Record<string, string> = {}): ServerConfig | string {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-email-config-'));
  const file = join(dir, 'channels.yaml');
  writeFileSync(file, yaml);
  try {
    return resolveConfig(
      { policyFile: join(dir, 'p.yaml'), port: 8000 },
      {
        FARAMESH_CHANNELS_FILE: file,
        FARAMESH_PUBLIC_URL: 'https://faramesh.corp.example',
        FARAMESH_EMAIL_LINK_SECRET: LINK_SECRET,
        SMTP_PASSWORD,
        ...env,
      },
      {},
      dir,
    );
  } catch (error) {
    return (error as Error).message;
  }
}

const channel = (
  extra = '',
  smtp = 'host: smtp.corp.example\n      username: faramesh\n      password_env: SMTP_PASSWORD',
) =>
  `email:
  finance-email:
    smtp:
      ${smtp}
    from: "Faramesh <faramesh@corp.example>"
    recipients: [alice@corp.example, finance, approvers]
    link_only: true
${extra}`;

describe('email channels configuration', () => {
  it('reads an email channel with its defaults: port 587, STARTTLS required, 15-minute links, sign-in required', () => {
    const config = resolve(channel().replace('    link_only: true\n', ''), {
      FARAMESH_OIDC_ISSUER: 'https://login.corp.example',
      FARAMESH_OIDC_CLIENT_ID: 'faramesh',
      FARAMESH_OIDC_ROLES: 'approver=finance',
    });
    if (typeof config === 'string') throw new Error(config);
    const [email] = config.channels.email;
    expect(email).toMatchObject({
      name: 'finance-email',
      smtp: { host: 'smtp.corp.example', port: 587, secure: false, starttls: 'required', username: 'faramesh' },
      from: { name: 'Faramesh', address: 'faramesh@corp.example' },
      recipients: ['alice@corp.example', 'finance', 'approvers'],
      events: [],
      linkTtlSeconds: 900,
      linkOnly: false,
    });
    expect(email?.smtp.password).toBe(SMTP_PASSWORD);
    expect(config.channels.emailLinkKey?.toString('utf8')).toBe(LINK_SECRET);
  });

  it('stops with the key named for each invalid setting, never showing the password', () => {
    const message = resolve(
      channel(
        '    link_ttl_seconds: 999999\n    events: [succeeded]\n    colour: blue\n',
        'host: "smtp corp"\n      port: 70000\n      starttls: maybe\n      username: faramesh\n      password: hunter2',
      ),
    );
    expect(message).toContain('email.finance-email.smtp: unknown key `password`');
    expect(message).toContain('email.finance-email.smtp.host must be a host name or address');
    expect(message).toContain('email.finance-email.smtp.port must be an integer between 1 and 65535');
    expect(message).toContain('email.finance-email.smtp.starttls must be required, opportunistic or never');
    expect(message).toContain('email.finance-email.link_ttl_seconds must be an integer between 60 and 86400');
    expect(message).toContain('email.finance-email.events may list decision_made and escalated');
    expect(message).toContain('email.finance-email: unknown key `colour`');
    expect(message).not.toContain('hunter2');
  });

  it('refuses a password from an unset variable or a missing file, and a username without a password', () => {
    expect(resolve(channel(), { SMTP_PASSWORD: '' })).toContain(
      'email.finance-email.smtp.password_env: environment variable SMTP_PASSWORD is not set',
    );
    expect(
      resolve(channel('', 'host: smtp.corp.example\n      username: u\n      password_file: /nonexistent/pw')),
    ).toContain('email.finance-email.smtp.password_file /nonexistent/pw: ENOENT');
    expect(resolve(channel('', 'host: smtp.corp.example\n      username: u'))).toContain(
      'username needs password_env or password_file (never an inline password)',
    );
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-pw-'));
    writeFileSync(join(dir, 'pw'), 'from-a-file\n');
    const config = resolve(
      channel('', `host: smtp.corp.example\n      username: u\n      password_file: ${join(dir, 'pw')}`),
    );
    expect(typeof config !== 'string' && config.channels.email[0]?.smtp.password).toBe('from-a-file');
  });

  it('needs a link secret of 32+ characters, a public URL, and single sign-on unless links alone may decide', () => {
    expect(resolve(channel(), { FARAMESH_EMAIL_LINK_SECRET: '' })).toContain(
      'email channels need FARAMESH_EMAIL_LINK_SECRET (or _FILE)',
    );
    const short = resolve(channel(), { FARAMESH_EMAIL_LINK_SECRET: 'too-short' });
    expect(short).toContain('FARAMESH_EMAIL_LINK_SECRET must be at least 32 characters');
    expect(short).not.toContain('too-short');
    expect(resolve(channel(), { FARAMESH_PUBLIC_URL: '' })).toContain('email channels need FARAMESH_PUBLIC_URL');
    expect(resolve(channel().replace('    link_only: true\n', ''))).toContain(
      'email.finance-email: approving from a link needs a sign-in, so single sign-on (FARAMESH_OIDC_ISSUER) must be configured, or set link_only: true',
    );
  });

  it('refuses recipients that are not identities or groups, and named identities without an address', () => {
    const bad = resolve(channel().replace('[alice@corp.example, finance, approvers]', '["a b", "x@y@z"]'));
    expect(bad).toContain('email.finance-email.recipients[0] "a b" is neither a group name nor an email');
    expect(bad).toContain('email.finance-email.recipients[1] "x@y@z" is not an identity');
    const unreachable = resolve(channel().replace('[alice@corp.example, finance, approvers]', '[user:bob]'), {
      FARAMESH_TOKENS: 'bob:approver:bob-token-123456',
    });
    expect(unreachable).toContain(
      'email.finance-email.recipients: user:bob has no email address (give it one in FARAMESH_TOKEN_EMAILS, or name the person by email)',
    );
    const good = resolve(channel().replace('[alice@corp.example, finance, approvers]', '[user:bob]'), {
      FARAMESH_TOKENS: 'bob:approver:bob-token-123456',
      FARAMESH_TOKEN_EMAILS: 'bob=bob@corp.example',
    });
    expect(typeof good !== 'string' && good.tokens.find((t) => t.name === 'bob')?.email).toBe('bob@corp.example');
  });

  it('checks FARAMESH_TOKEN_EMAILS: known tokens, plain addresses only', () => {
    const env = { FARAMESH_TOKENS: 'bob:approver:bob-token-123456' };
    expect(resolve(channel(), { ...env, FARAMESH_TOKEN_EMAILS: 'carol=carol@corp.example' })).toContain(
      'FARAMESH_TOKEN_EMAILS: no token is named "carol"',
    );
    expect(resolve(channel(), { ...env, FARAMESH_TOKEN_EMAILS: 'bob="x@evil.example"@corp.example' })).toContain(
      'FARAMESH_TOKEN_EMAILS: "bob" needs one plain address (name@host)',
    );
  });

  it('refuses a From that is not a plain address and an email channel named like a webhook', () => {
    expect(
      resolve(channel().replace('"Faramesh <faramesh@corp.example>"', '"x@corp.example\\r\\nBcc: y@evil.example"')),
    ).toContain('email.finance-email.from must be an address');
    const clash = `webhooks:\n  finance-email:\n    url: https://hooks.example.com/x\n    events: [decision_made]\n    secret_env: HOOK\n${channel()}`;
    expect(resolve(clash, { HOOK: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })).toContain(
      'email.finance-email: a webhook has the same name',
    );
  });
});
