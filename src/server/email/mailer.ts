/**
 * The SMTP side of e-mail: a nodemailer transport that sends one message per call and tells a
 * temporary failure (try again later) from a permanent one (SMTP 5xx). SMTP_URL and addresses are
 * checked in ./addresses.ts; the URL's password is never logged (nodemailer's logger is off).
 */
import nodemailer from 'nodemailer';

export { describeSmtpUrl, fromAddress, isMailAddress, smtpUrlProblem } from './addresses';

export interface OutgoingMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** The same on every attempt of one e-mail (a receiver may de-duplicate a resend on it). */
  messageId: string;
}

export interface Mailer {
  send(m: OutgoingMessage): Promise<void>;
  close(): void;
}

/** An SMTP answer or a connection failure, with whether trying again later may help. */
export class MailSendError extends Error {
  constructor(message: string, readonly permanent: boolean) {
    super(message);
    this.name = 'MailSendError';
  }
}

export function createSmtpMailer(o: { url: string; timeoutMs: number }): Mailer {
  const transport = nodemailer.createTransport({
    url: o.url,
    connectionTimeout: o.timeoutMs,
    greetingTimeout: o.timeoutMs,
    socketTimeout: o.timeoutMs,
    // No logging of the SMTP conversation (it carries the credentials and the bodies).
    logger: false,
    debug: false,
  });
  return {
    async send(m) {
      try {
        await transport.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text, messageId: m.messageId, disableFileAccess: true, disableUrlAccess: true });
      } catch (err) {
        const e = err as { responseCode?: number; message?: string; code?: string };
        // 5xx: the server refuses the message for good (unknown mailbox, policy); anything else may pass later.
        const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
        const what = e.responseCode ? `SMTP ${e.responseCode}` : e.code ?? 'SMTP';
        throw new MailSendError(`${what}: ${String(e.message ?? err).slice(0, 500)}`, permanent);
      }
    },
    close() {
      transport.close();
    },
  };
}
