/**
 * Typed errors with stable codes. Every error a user can see is an AppError whose code is listed
 * in the catalogue (src/errors/catalogue.ts); docs/errors.md is checked against it by a test.
 * Pure code (src/protocol) throws these too: they carry no I/O.
 */
import { CATALOGUE, type ErrorCode } from './catalogue';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** What the user should do next. */
  readonly hint: string;
  /** Safe, structured details for clients (never secrets). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, options?: { hint?: string; details?: Record<string, unknown>; cause?: unknown }) {
    const entry = CATALOGUE[code];
    super(message ?? entry.message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = entry.status;
    this.hint = options?.hint ?? entry.hint;
    this.details = options?.details;
  }

  toJSON(): { code: ErrorCode; message: string; hint: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, hint: this.hint, ...(this.details ? { details: this.details } : {}) };
  }
}

export function isAppError(e: unknown, code?: ErrorCode): e is AppError {
  return e instanceof AppError && (code === undefined || e.code === code);
}
