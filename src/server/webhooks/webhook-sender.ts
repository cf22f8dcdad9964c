/**
 * Sends one webhook request: the URL's host is resolved once, every address is checked against the
 * connect policy (src/protocol/net/connect-policy.ts: loopback, link-local, private and the
 * platform's own ports refused unless WEBHOOK_ALLOWED_RANGES allows them), and the request goes to
 * the address that was checked (no second lookup between the check and the connection).
 */
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { connectDecisionForAll, type ConnectPolicy } from '../../protocol/net/connect-policy';
import { AppError } from '../../errors/app-error';

export interface WebhookResponse {
  statusCode: number;
}

export interface WebhookSender {
  /** Refuses (WEBHOOK_URL_REFUSED) a URL the policy does not allow; resolves to the checked address. */
  check(url: string): Promise<{ address: string; url: URL }>;
  post(url: string, body: string, headers: Record<string, string>): Promise<WebhookResponse>;
}

export function createWebhookSender(o: { policy: () => ConnectPolicy; timeoutMs: number }): WebhookSender {
  const check = async (raw: string): Promise<{ address: string; url: URL }> => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new AppError('WEBHOOK_URL_REFUSED', 'This is not a URL.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppError('WEBHOOK_URL_REFUSED', 'Only http and https URLs are allowed.');
    if (url.username || url.password) throw new AppError('WEBHOOK_URL_REFUSED', 'A webhook URL carries no user name or password; its requests are signed.');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    let addresses: string[];
    if (isIP(host)) addresses = [host];
    else {
      try {
        addresses = (await lookup(host, { all: true })).map((a) => a.address);
      } catch {
        throw new AppError('WEBHOOK_URL_REFUSED', `The host name ${host} does not resolve.`);
      }
    }
    const d = connectDecisionForAll(addresses, port, o.policy());
    if (d.route !== 'direct' || !d.address) throw new AppError('WEBHOOK_URL_REFUSED');
    return { address: d.address, url };
  };
  return {
    check,
    async post(raw, body, headers) {
      const { address, url } = await check(raw);
      const mod = url.protocol === 'https:' ? https : http;
      return new Promise<WebhookResponse>((resolve, reject) => {
        const req = mod.request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body).toString(), 'user-agent': 'Sitekeeper-Webhooks/1', ...headers },
          // Connect to the address the policy checked (TLS still verifies the URL's host name).
          lookup: (_h, opts, cb) => {
            const family = isIP(address);
            if ((opts as { all?: boolean }).all) (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
            else cb(null, address, family);
          },
          timeout: o.timeoutMs,
        }, (res) => {
          res.resume();
          res.on('end', () => resolve({ statusCode: res.statusCode ?? 0 }));
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
        req.on('error', reject);
        req.end(body);
      });
    },
  };
}
