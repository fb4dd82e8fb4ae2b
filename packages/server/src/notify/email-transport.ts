import nodemailer from 'nodemailer';
import type { DeliveryOutcome } from './channel.js';
import type { MailboxSpec } from './email-address.js';
import type { SmtpSettings } from './email-config.js';
import type { MailContent } from './email-message.js';

/** One message to one address. */
export interface OutgoingMail extends MailContent {
  from: MailboxSpec;
  to: string;
  headers: Record<string, string>;
}

export interface MailSender {
  /** One attempt; never throws. Errors name the SMTP stage and code only (never a secret or the server's text). */
  send(mail: OutgoingMail, signal: AbortSignal): Promise<DeliveryOutcome>;
  close(): void;
}

/**
 * An SMTP sender (`nodemailer`) for one channel: a new connection per message (deliveries are
 * rare and each is retried by the outbox), TLS 1.2 or later, STARTTLS required unless configured
 * otherwise, and every stage bounded by `timeout_ms`. Nodemailer's file and URL access is off: a
 * message can't make the server read a file or fetch a URL.
 */
export function createSmtpSender(smtp: SmtpSettings): MailSender {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: !smtp.secure && smtp.starttls === 'required',
    ignoreTLS: !smtp.secure && smtp.starttls === 'never',
    ...(smtp.username !== null && { auth: { user: smtp.username, pass: smtp.password ?? '' } }),
    tls: { minVersion: 'TLSv1.2', ...(smtp.ca !== null && { ca: smtp.ca }) },
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
  });
  return {
    async send(mail, signal) {
      if (signal.aborted) return { ok: false, error: 'delivery interrupted (server shutting down)' };
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<DeliveryOutcome>((resolve) => {
        onAbort = () => resolve({ ok: false, error: 'delivery interrupted (server shutting down)' });
        signal.addEventListener('abort', onAbort, { once: true });
      });
      const sent = transport
        .sendMail({
          from: mail.from.name === null ? mail.from.address : { name: mail.from.name, address: mail.from.address },
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: mail.headers,
          disableFileAccess: true,
          disableUrlAccess: true,
        })
        .then(
          (): DeliveryOutcome => ({ ok: true }),
          (error: unknown): DeliveryOutcome => ({ ok: false, error: smtpError(error) }),
        );
      try {
        return await Promise.race([sent, aborted]);
      } finally {
        if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
      }
    },
    close() {
      transport.close();
    },
  };
}

/** Nodemailer's error as a storable line: its code, the SMTP reply code and the command, nothing the server wrote. */
function smtpError(error: unknown): string {
  const e = error as { code?: unknown; responseCode?: unknown; command?: unknown };
  const code = typeof e.code === 'string' && /^[A-Z_]{2,32}$/.test(e.code) ? e.code : 'ERROR';
  const reply = typeof e.responseCode === 'number' ? ` ${e.responseCode}` : '';
  const command = typeof e.command === 'string' && /^[A-Z ]{2,16}$/.test(e.command) ? ` after ${e.command}` : '';
  return `SMTP ${code}${reply}${command}`;
}
