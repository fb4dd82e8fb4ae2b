import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpSettings } from './email-config.js';
import { type SmtpCapture, startSmtpCapture } from './email-smtp.test-support.js';
import { createSmtpSender, type OutgoingMail } from './email-transport.js';

const PASSWORD = 'smtp-password-that-must-never-leak';
let tls: { key: string; cert: string };

beforeAll(() => {
  // A self-signed certificate for 127.0.0.1: trusted only through `ca_file`, as a private CA is.
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-smtp-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  tls = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
});

const servers: SmtpCapture[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
});

async function capture(options: Parameters<typeof startSmtpCapture>[0]): Promise<SmtpCapture> {
  const server = await startSmtpCapture(options);
  servers.push(server);
  return server;
}

const mail: OutgoingMail = {
  from: { name: 'Faramesh', address: 'faramesh@corp.example' },
  to: 'alice@corp.example',
  subject: 'Approval needed',
  text: 'plain',
  html: '<p>html</p>',
  headers: { 'X-Faramesh-Action': 'a1' },
};

const settings = (port: number, extra: Partial<SmtpSettings> = {}): SmtpSettings => ({
  host: '127.0.0.1',
  port,
  secure: false,
  starttls: 'required',
  username: 'faramesh',
  password: PASSWORD,
  ca: tls.cert,
  timeoutMs: 5000,
  ...extra,
});

async function send(smtp: SmtpSettings) {
  const sender = createSmtpSender(smtp);
  try {
    return await sender.send(mail, new AbortController().signal);
  } finally {
    sender.close();
  }
}

describe('the SMTP sender', () => {
  it('upgrades with STARTTLS, trusts the configured CA, authenticates, and sends text and HTML', async () => {
    const server = await capture({ auth: { username: 'faramesh', password: PASSWORD }, tls });
    expect(await send(settings(server.port))).toEqual({ ok: true });
    const [got] = server.messages;
    expect(got).toMatchObject({
      secure: true,
      user: 'faramesh',
      from: 'faramesh@corp.example',
      to: ['alice@corp.example'],
    });
    expect(got?.mail.text?.trim()).toBe('plain');
    expect(got?.mail.html).toContain('<p>html</p>');
    expect(got?.mail.headers.get('x-faramesh-action')).toBe('a1');
  });

  it('sends over SMTPS (TLS from the first byte) with secure: true', async () => {
    const server = await capture({ auth: { username: 'faramesh', password: PASSWORD }, tls: { ...tls, secure: true } });
    expect(await send(settings(server.port, { secure: true }))).toEqual({ ok: true });
    expect(server.messages[0]?.secure).toBe(true);
  });

  it('fails without leaking the password when the server refuses the credentials', async () => {
    const server = await capture({ auth: { username: 'faramesh', password: 'another-password' }, tls });
    const outcome = await send(settings(server.port));
    expect(outcome).toEqual({ ok: false, error: 'SMTP EAUTH 535 after AUTH PLAIN' });
    expect(JSON.stringify(outcome)).not.toContain(PASSWORD);
    expect(server.messages).toHaveLength(0);
  });

  it('refuses to send in plaintext when STARTTLS is required and the server offers none', async () => {
    const server = await capture({ auth: { username: 'faramesh', password: PASSWORD } });
    const outcome = await send(settings(server.port));
    expect(outcome.ok).toBe(false);
    expect(server.messages).toHaveLength(0);
  });

  it('refuses a certificate it does not trust', async () => {
    const server = await capture({ auth: { username: 'faramesh', password: PASSWORD }, tls });
    const outcome = await send(settings(server.port, { ca: null }));
    expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/^SMTP [A-Z_]+/) });
    expect(server.messages).toHaveLength(0);
  });

  it('reports a temporary refusal (451) as a failed attempt, for the outbox to retry', async () => {
    const server = await capture({ auth: { username: 'faramesh', password: PASSWORD }, tls });
    server.failNext(1);
    expect(await send(settings(server.port))).toEqual({ ok: false, error: 'SMTP EMESSAGE 451 after DATA' });
    expect(await send(settings(server.port))).toEqual({ ok: true });
    expect(server.messages).toHaveLength(1);
  });

  it('answers at once when delivery is interrupted (shutdown)', async () => {
    const sender = createSmtpSender(settings(9, { timeoutMs: 60_000 }));
    const abort = new AbortController();
    abort.abort();
    expect(await sender.send(mail, abort.signal)).toEqual({
      ok: false,
      error: 'delivery interrupted (server shutting down)',
    });
    sender.close();
  });
});
