import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** A message the capture server accepted: the envelope, and the message as `mailparser` reads it. */
export interface CapturedMail {
  from: string;
  to: string[];
  /** The username the client authenticated with, or null. */
  user: string | null;
  /** Whether the session was encrypted (SMTPS or after STARTTLS). */
  secure: boolean;
  mail: ParsedMail;
}

export interface SmtpCapture {
  port: number;
  messages: CapturedMail[];
  /** Fails the next `n` messages with a 451 (a temporary failure): the outbox retries them. */
  failNext(n: number): void;
  close(): Promise<void>;
}

export interface SmtpCaptureOptions {
  /** Accepted credentials; without them, no authentication is offered. */
  auth?: { username: string; password: string };
  /** A certificate and key: STARTTLS is offered (and `secure` makes it SMTPS). */
  tls?: { key: string; cert: string; secure?: boolean };
}

/**
 * A real SMTP server (`smtp-server`) on a loopback port that keeps every message it accepts, parsed
 * with `mailparser`. With `auth` it refuses any other credentials (535), as a real relay does.
 */
export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  let failing = 0;
  const disabled = [
    ...(options.auth === undefined ? ['AUTH'] : []),
    ...(options.tls === undefined ? ['STARTTLS'] : []),
  ];
  const settings: SMTPServerOptions = {
    authOptional: options.auth === undefined,
    disabledCommands: disabled,
    allowInsecureAuth: options.tls === undefined,
    ...(options.tls !== undefined && {
      key: options.tls.key,
      cert: options.tls.cert,
      secure: options.tls.secure === true,
    }),
    logger: false,
    onAuth(auth, _session, callback) {
      const ok = auth.username === options.auth?.username && auth.password === options.auth?.password;
      if (!ok) callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
      else callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          if (failing > 0) {
            failing--;
            callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
            return;
          }
          messages.push({
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            user: typeof session.user === 'string' ? session.user : null,
            secure: session.secure,
            mail,
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  };
  const server = new SMTPServer(settings);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    messages,
    failNext(n) {
      failing = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The Approve and Deny links of an approval email, read from its plain-text part. */
export function linksOf(mail: ParsedMail): { approve: string; deny: string } {
  const text = mail.text ?? '';
  const approve = /^Approve: (\S+)$/m.exec(text)?.[1];
  const deny = /^Deny: +(\S+)$/m.exec(text)?.[1];
  if (approve === undefined || deny === undefined) throw new Error(`no approval links in:\n${text}`);
  return { approve, deny };
}

/** A channels file `email:` section: `finance-email`, mailing the action's approvers through the capture at `port`, link-only. */
export function linkOnlyEmailYaml(port: number): string {
  return `email:
  finance-email:
    smtp: { host: 127.0.0.1, port: ${port}, starttls: never, timeout_ms: 5000 }
    from: "Faramesh <faramesh@corp.example>"
    recipients: [approvers]
    link_only: true
`;
}
