/**
 * Pure checks of e-mail settings and addresses (no nodemailer: the config loads this). SMTP_URL:
 * smtp:// or smtps://, a host, only the options listed below — no query that would switch
 * nodemailer to another transport (e.g. sendmail). Problems never repeat the URL (it may hold the
 * SMTP password); `describeSmtpUrl` is what may be shown.
 */

/** Query options of SMTP_URL passed to nodemailer (everything else is refused). */
const URL_OPTIONS = new Set(['requireTLS', 'ignoreTLS', 'name', 'tls.rejectUnauthorized', 'tls.servername']);

/** The problem with an SMTP_URL, or null when it is usable. Never repeats the URL (it may hold a password). */
export function smtpUrlProblem(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'is not a URL (smtp://user:password@host:587 or smtps://user:password@host:465)';
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') return 'must start with smtp:// (STARTTLS when the server offers it) or smtps:// (TLS from the start)';
  if (!u.hostname) return 'names no host';
  if (u.pathname && u.pathname !== '/') return 'has a path; an SMTP URL is smtp://user:password@host:port';
  if (u.password && !u.username) return 'has a password without a user name';
  for (const key of u.searchParams.keys()) if (!URL_OPTIONS.has(key)) return `has an unknown option "${key}" (allowed: ${[...URL_OPTIONS].join(', ')})`;
  return null;
}

/** The URL to show in logs and errors: host and port only. */
export function describeSmtpUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(unparseable SMTP URL)';
  }
}

const ADDRESS = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** A plain mailbox (local@domain, no display name, no line breaks, at most 254 characters). */
export function isMailAddress(s: string): boolean {
  return s.length <= 254 && ADDRESS.test(s);
}

/** SMTP_FROM: a plain address or `Name <address>`; returns the address, or null when it is not one. */
export function fromAddress(from: string): string | null {
  if (/[\r\n]/.test(from)) return null;
  const m = /^\s*(?:"?[^"<>]*"?\s*)?<([^<>]+)>\s*$/.exec(from);
  const addr = (m ? m[1]! : from).trim();
  return isMailAddress(addr) ? addr : null;
}

