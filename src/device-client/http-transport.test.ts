import { createServer, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors/app-error';
import { HttpTransport } from './http-transport';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isAppError(err) ? err.code : String(err);
  }
  return undefined;
}

describe('HttpTransport: where it connects', () => {
  it.each(['[::ffff:127.0.0.1]:18940/injected-path?x=', '127.0.0.1/x', 'admin@127.0.0.1', '127.0.0.1:80', '2130706433', 'cam\r\nX: y'])(
    'refuses the host text %j before connecting',
    (host) => {
      expect(codeOf(() => new HttpTransport({ host, port: 80 }))).toBe('DEVICE_HOST_INVALID');
    },
  );

  it.each([0, 65536, 1.5, -1])('refuses port %d', (port) => {
    expect(codeOf(() => new HttpTransport({ host: '127.0.0.1', port }))).toBe('DEVICE_HOST_INVALID');
  });

  it('an IPv4-mapped address reaches the IPv4 host, at the ISAPI path asked for and no other', async () => {
    const seen: string[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      seen.push(`${req.headers.host} ${req.url}`);
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const t = new HttpTransport({ host: '::ffff:127.0.0.1', port });
      expect(t.target).toBe(`http://127.0.0.1:${port}`);
      await t.request({ method: 'GET', path: '/ISAPI/System/deviceInfo' }).catch(() => undefined);
      expect(seen).toEqual([`127.0.0.1:${port} /ISAPI/System/deviceInfo`]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
