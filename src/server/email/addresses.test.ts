import { describe, expect, it } from 'vitest';
import { describeSmtpUrl, fromAddress, isMailAddress, smtpUrlProblem } from './addresses';
import { capText } from './email.service';

describe('e-mail settings and addresses', () => {
  it('accepts smtp and smtps URLs with allowed options, refuses the rest without repeating the URL', () => {
    expect(smtpUrlProblem('smtp://user:p%40ss@mail.example.com:587')).toBeNull();
    expect(smtpUrlProblem('smtps://mail.example.com:465?requireTLS=true&tls.rejectUnauthorized=false')).toBeNull();
    expect(smtpUrlProblem('smtp://u:pw@mail.example.com?sendmail=true')).toMatch(/unknown option "sendmail"/);
    expect(smtpUrlProblem('https://mail.example.com')).toMatch(/must start with smtp/);
    expect(smtpUrlProblem('smtp://mail.example.com/x')).toMatch(/has a path/);
    expect(smtpUrlProblem('nope')).toMatch(/is not a URL/);
    for (const bad of ['https://u:TOPSECRET@h', 'smtp://u:TOPSECRET@h/x', 'TOPSECRET']) expect(smtpUrlProblem(bad)).not.toContain('TOPSECRET');
    expect(describeSmtpUrl('smtps://u:TOPSECRET@mail.example.com:465')).toBe('smtps://mail.example.com:465');
  });

  it('takes plain mailboxes only (no display names, line breaks or lists) and reads SMTP_FROM', () => {
    expect(isMailAddress('carla@example.test')).toBe(true);
    expect(isMailAddress('carla.o+site@sub.example.com')).toBe(true);
    for (const bad of ['carla', 'carla@', '@example.com', 'a@b', 'a b@example.com', 'a@example.com\r\nBcc: x@y.z', 'a@example.com, b@example.com', 'Carla <carla@example.com>', `${'a'.repeat(250)}@example.com`]) {
      expect(isMailAddress(bad), bad).toBe(false);
    }
    expect(fromAddress('Sitekeeper <alerts@example.com>')).toBe('alerts@example.com');
    expect(fromAddress('"Sitekeeper Alerts" <alerts@example.com>')).toBe('alerts@example.com');
    expect(fromAddress('alerts@example.com')).toBe('alerts@example.com');
    expect(fromAddress('Sitekeeper')).toBeNull();
    expect(fromAddress('x <alerts@example.com>\r\nBcc: y@z.q')).toBeNull();
  });

  it('caps long texts with a note', () => {
    expect(capText('short', 10)).toBe('short');
    const cut = capText('x'.repeat(100), 20, ' (cut)');
    expect(cut).toHaveLength(20);
    expect(cut.endsWith('… (cut)')).toBe(true);
  });
});
