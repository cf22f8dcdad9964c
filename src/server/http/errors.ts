/**
 * One error handler: AppError → its status and body; framework errors → catalogue codes; database
 * outages → 503; anything else → 500 with details logged, not returned.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors/app-error';

export interface ErrorBody {
  error: { code: string; message: string; hint: string; correlationId: string; details?: Record<string, unknown> };
}

const DB_DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);

export function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.code && DB_DOWN_CODES.has(e.code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(e.message ?? '');
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError & { validation?: Array<{ instancePath?: string; message?: string; params?: Record<string, unknown> }> };
  if (fe?.validation) {
    const problems = fe.validation.map((v) => {
      const extra = v.params?.additionalProperty;
      const where = `${fe.validationContext ?? 'body'}${v.instancePath ?? ''}`;
      return extra ? `${where}: unknown field "${typeof extra === 'string' ? extra : JSON.stringify(extra)}"` : `${where}: ${v.message ?? 'is invalid'}`;
    });
    return new AppError('VALIDATION_FAILED', `The request is not valid: ${problems.join('; ')}.`, { details: { problems } });
  }
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('INVALID_JSON');
    case 'FST_ERR_RATE_LIMIT':
      return new AppError('RATE_LIMITED');
  }
  if (fe instanceof SyntaxError && fe.statusCode === 400) return new AppError('INVALID_JSON');
  if (fe?.statusCode === 429) return new AppError('RATE_LIMITED');
  if (isDatabaseDown(err)) return new AppError('SERVICE_UNAVAILABLE', undefined, { cause: err });
  return new AppError('INTERNAL_ERROR', undefined, { cause: err });
}

export function errorBody(e: AppError, correlationId: string): ErrorBody {
  return { error: { code: e.code, message: e.message, hint: e.hint, correlationId, ...(e.details ? { details: e.details } : {}) } };
}

async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const e = toAppError(err);
    if (e.status >= 500) req.log.error({ err, code: e.code }, 'request failed');
    else req.log.info({ code: e.code }, 'request refused');
    if (e.code === 'AUTH_LOCKED' || e.status === 429) {
      const retry = (e.details?.retryAfterSeconds as number | undefined) ?? 60;
      void reply.header('retry-after', String(retry));
    }
    return reply.status(e.status).send(errorBody(e, req.id));
  });
  app.setNotFoundHandler((req, reply) => {
    const e = new AppError('NOT_FOUND', `Nothing is at ${req.method} ${req.url.split('?')[0]}.`);
    return reply.status(404).send(errorBody(e, req.id));
  });
}

export const errors = fp(errorsPlugin, { name: 'sitekeeper-errors' });
