/**
 * The one catalogue of error codes. Each domain keeps its codes in its own file under ./codes so
 * that features can add codes without touching each other. Codes are stable: clients and scripts
 * match on them. docs/errors.md must list every code (test: src/errors/catalogue.test.ts).
 */
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

export interface CatalogueEntry {
  status: number;
  message: string;
  hint: string;
  /** For codes that look alike: when a client sees this one rather than the other (listed under the table in docs/errors.md). */
  note?: string;
}

export const CATALOGUE = {
  ...COMMON_ERRORS,
  ...AUTH_ERRORS,
  ...QR_ERRORS,
  ...DEVICE_ERRORS,
  ...ONBOARDING_ERRORS,
  ...SITE_ERRORS,
  ...HEALTH_ERRORS,
  ...EXCEPTION_ERRORS,
  ...AXPRO_ERRORS,
  ...LINKAGE_ERRORS,
  ...FIRMWARE_ERRORS,
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof CATALOGUE;
