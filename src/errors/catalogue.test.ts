import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from './catalogue';
import { renderErrorsDoc } from './render-doc';
import { AppError } from './app-error';
import { COMMON_ERRORS } from './codes/common';
import { AUTH_ERRORS } from './codes/auth';
import { QR_ERRORS } from './codes/qr';
import { DEVICE_ERRORS } from './codes/device';
import { ONBOARDING_ERRORS } from './codes/onboarding';
import { SITE_ERRORS } from './codes/site';
import { HEALTH_ERRORS } from './codes/health';
import { EXCEPTION_ERRORS } from './codes/exceptions';
import { AXPRO_ERRORS } from './codes/axpro';
import { LINKAGE_ERRORS } from './codes/linkage';
import { FIRMWARE_ERRORS } from './codes/firmware';
import { DEVICE_USER_ERRORS } from './codes/device-users';

describe('error catalogue', () => {
  it('docs/errors.md is up to date (run `npm run docs:errors`)', () => {
    expect(readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')).toBe(renderErrorsDoc());
  });

  it('every entry has a valid status, a message and a hint', () => {
    for (const [code, e] of Object.entries(CATALOGUE)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(e.status, code).toBeGreaterThanOrEqual(400);
      expect(e.status, code).toBeLessThan(600);
      expect(e.message.length, code).toBeGreaterThan(5);
      expect(e.hint.length, code).toBeGreaterThan(5);
    }
  });

  it('each code is filed in one domain file only (a second entry would silently replace the first)', () => {
    const files = [COMMON_ERRORS, AUTH_ERRORS, QR_ERRORS, DEVICE_ERRORS, ONBOARDING_ERRORS, SITE_ERRORS, HEALTH_ERRORS, EXCEPTION_ERRORS, AXPRO_ERRORS, LINKAGE_ERRORS, FIRMWARE_ERRORS, DEVICE_USER_ERRORS];
    expect(files.reduce((n, f) => n + Object.keys(f).length, 0)).toBe(Object.keys(CATALOGUE).length);
  });

  it('AppError carries the catalogue status and hint unless overridden', () => {
    const e = new AppError('SITE_NOT_FOUND');
    expect(e.status).toBe(404);
    expect(e.toJSON()).toEqual({ code: 'SITE_NOT_FOUND', message: CATALOGUE.SITE_NOT_FOUND.message, hint: CATALOGUE.SITE_NOT_FOUND.hint });
    expect(new AppError('SITE_NOT_FOUND', 'Gone.', { hint: 'Look elsewhere.' }).hint).toBe('Look elsewhere.');
  });
});
