/**
 * ISAPI dispatch, the single entry point of a device for both its HTTP server (`via: 'http'`,
 * digest or AX Pro session) and the cloud connector (`via: 'cloud'`: the link is the
 * authentication). Order, as on real devices: open endpoints (activation, AX Pro session login),
 * then "not activated", then authentication, then the AX Pro's own paths, then the route table
 * (a known path with another method answers 405 invalidOperation, an unknown one 404 notSupport).
 */
import { AppError } from '../../errors/app-error';
import type { IsapiRequest, IsapiResponse } from '../types';
import type { DeviceAuth } from './auth';
import type { DeviceCore, IsapiContext } from './context';
import type { IsapiRoute } from './route';

/** Answers the requests it knows, undefined for the others. */
export type Endpoint = (c: IsapiContext) => IsapiResponse | undefined;

export interface RouterParts {
  auth: DeviceAuth;
  /** Answered without activation or authentication. */
  open: Endpoint[];
  /** Tried after authentication, before the table. */
  authenticated: Endpoint[];
  routes: IsapiRoute[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The request as handlers see it: method upper-case, path lower-case without query or trailing slash. */
export function isapiContext(req: IsapiRequest, via: 'http' | 'cloud'): IsapiContext {
  const qIndex = req.path.indexOf('?');
  const rawPath = qIndex >= 0 ? req.path.slice(0, qIndex) : req.path;
  const query = new URLSearchParams(qIndex >= 0 ? req.path.slice(qIndex + 1) : '');
  const path = rawPath.toLowerCase().replace(/\/+$/, '');
  return { req, method: req.method.toUpperCase(), path, rawPath, query, via, user: undefined, json: query.get('format') === 'json' };
}

export class IsapiRouter {
  constructor(
    private readonly d: DeviceCore,
    private readonly parts: RouterParts,
  ) {}

  async handle(req: IsapiRequest, via: 'http' | 'cloud'): Promise<IsapiResponse> {
    const d = this.d;
    if (!d.powered) throw new AppError('DEVICE_OFFLINE', 'The emulated device is powered off or rebooting.');
    if (d.state.faults.latencyMs > 0) await sleep(d.state.faults.latencyMs);
    const c = isapiContext(req, via);
    const open = first(this.parts.open, c);
    if (open) return open;
    if (!d.state.activated) return d.rs(c, 'notActivated');
    if (via === 'http') {
      const auth = this.parts.auth.authenticate(c);
      if ('status' in auth) return auth;
      c.user = auth.user;
    }
    return first(this.parts.authenticated, c) ?? this.dispatch(c);
  }

  private async dispatch(c: IsapiContext): Promise<IsapiResponse> {
    let pathKnown = false;
    for (const [method, re, handler, types] of this.parts.routes) {
      if (types && !types.includes(this.d.type)) continue;
      const m = re.exec(c.path);
      if (!m) continue;
      pathKnown = true;
      if (method === c.method) return handler(c, m);
    }
    return this.d.rs(c, pathKnown ? 'invalidOperation' : 'notSupport', { http: pathKnown ? 405 : 404 });
  }
}

function first(endpoints: Endpoint[], c: IsapiContext): IsapiResponse | undefined {
  for (const e of endpoints) {
    const res = e(c);
    if (res) return res;
  }
  return undefined;
}
