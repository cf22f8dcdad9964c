/**
 * Request logs without secrets. Fastify logs each request's URL ("incoming request"); some URLs
 * carry a token: an invitation in the path (/api/invitations/:token/accept), a setup or invitation
 * link in the query (/setup?token=…, /invite?token=…). The request serializer logs the URL with
 * those values replaced by [redacted]:
 *  - path: the value of every route parameter named like a secret, learned from the routes as they
 *    are registered (onRoute), matched as a prefix so a mistyped tail (/api/invitations/<t>/acept)
 *    is hidden too;
 *  - query: every parameter named like a secret, on any URL.
 */
import type { FastifyRequest, RouteOptions } from 'fastify';
import type { Logger } from 'pino';

export const REDACTED = '[redacted]';

/** Names of route and query parameters whose values are never logged. */
const SECRET_NAME = /token|secret|password|key|code|signature/i;

interface SecretRoute {
  /** Every part of the route is a capture group, so the groups put together are the whole match. */
  pattern: RegExp;
  /** For each capture group: whether it is a secret parameter. */
  secret: boolean[];
}

export class UrlRedactor {
  private readonly routes: SecretRoute[] = [];
  private readonly seen = new Set<string>();

  /** Learns a route pattern (`/api/invitations/:token/accept`); ignored when no parameter is a secret. */
  addRoute(url: string): void {
    if (this.seen.has(url)) return;
    this.seen.add(url);
    const secret: boolean[] = [];
    let source = '';
    for (const part of url.split(/(:[A-Za-z0-9_]+)/).filter((p) => p !== '')) {
      const param = part.startsWith(':');
      secret.push(param && SECRET_NAME.test(part.slice(1)));
      source += param ? '([^/?#]*)' : `(${escapeRegExp(part).replace(/\\\*/g, '[^?#]*')})`;
    }
    if (secret.some(Boolean)) this.routes.push({ pattern: new RegExp(`^${source}`), secret });
  }

  redact(url: string): string {
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    return redactQuery(this.redactPath(path), q === -1 ? '' : url.slice(q + 1));
  }

  private redactPath(path: string): string {
    for (const { pattern, secret } of this.routes) {
      const m = pattern.exec(path);
      if (!m) continue;
      const head = secret.map((isSecret, i) => (isSecret && m[i + 1] ? REDACTED : (m[i + 1] ?? ''))).join('');
      return head + path.slice(m[0].length);
    }
    return path;
  }
}

function redactQuery(path: string, query: string): string {
  if (query === '') return path;
  const pairs = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq === -1) return pair;
    return SECRET_NAME.test(decodeName(pair.slice(0, eq))) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
  });
  return `${path}?${pairs.join('&')}`;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Fastify's request serializer, with the URL redacted. */
export function requestSerializer(redactor: UrlRedactor) {
  return (req: FastifyRequest) => ({
    method: req.method,
    url: redactor.redact(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  });
}

/**
 * The logger Fastify is given: a child of the platform's logger whose request serializer redacts
 * the URL (Fastify keeps a logger's own serializers over its defaults), and the onRoute hook that
 * teaches the redactor every route with a secret parameter.
 */
export function redactingRequestLog(logger: Logger): { logger: Logger; onRoute: (route: RouteOptions) => void } {
  const redactor = new UrlRedactor();
  return {
    logger: logger.child({}, { serializers: { req: requestSerializer(redactor) } }),
    onRoute: (route) => redactor.addRoute(route.url),
  };
}
