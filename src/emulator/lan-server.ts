/**
 * A device's HTTP server on its LAN (loopback) address: binds once (keeping the port across power
 * and LAN changes, or moving to a free one when it was taken meanwhile), limits request bodies,
 * and plays the LAN faults: connections reset, or requests swallowed without an answer (blackhole).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FaultState } from './state';
import type { IsapiRequest, IsapiResponse } from './types';

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_FIRMWARE_BYTES = 64 * 1024 * 1024;

/** What the server needs of its device. */
export interface LanDevice {
  /** The device's answer; a throw (device offline) destroys the socket. */
  handle(req: IsapiRequest): Promise<IsapiResponse>;
  faults(): FaultState;
  /** Powered, not rebooting, LAN not down. */
  mayListen(): boolean;
  /** The server listens on `host:port` (the port may differ from the one asked). */
  bound(host: string, port: number): void;
}

export class LanServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** False for devices the fleet keeps without an HTTP listener (cloud-only; see fleet maxHttpServers). */
  attached = false;

  constructor(
    private readonly device: LanDevice,
    public host: string,
    public port: number,
  ) {}

  /** Binds (once) even when the device may not listen, so it has its port from the start. */
  async attach(host?: string, port?: number): Promise<void> {
    if (host) this.host = host;
    if (port !== undefined) this.port = port;
    this.attached = true;
    await this.start(true);
  }

  async start(force = false): Promise<void> {
    if (!this.attached || this.server) return;
    if (!force && !this.device.mayListen()) return;
    const server = createServer({ keepAliveTimeout: 10_000, requestTimeout: 120_000 }, (req, res) => void this.onRequest(req, res));
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    this.server = server;
    try {
      await listen(server, this.port, this.host);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || this.port === 0) {
        this.server = undefined;
        throw e;
      }
      await listen(server, 0, this.host);
    }
    const addr = server.address();
    if (addr && typeof addr === 'object') {
      this.port = addr.port;
      this.device.bound(this.host, addr.port);
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  resetConnections(): void {
    for (const s of this.sockets) s.resetAndDestroy();
  }

  async close(): Promise<void> {
    this.attached = false;
    await this.stop();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const faults = this.device.faults();
    if (faults.resetConnections) {
      req.socket.resetAndDestroy();
      return;
    }
    if (faults.lan === 'blackhole') {
      req.resume();
      return; // never answered; the socket is destroyed when the LAN comes back or the device closes
    }
    const url = req.url ?? '/';
    const body = await readBody(req, res, /updatefirmware/i.test(url) ? MAX_FIRMWARE_BYTES : MAX_BODY_BYTES);
    if (!body) return;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    let out: IsapiResponse;
    try {
      out = await this.device.handle({ method: req.method ?? 'GET', path: url, headers, body });
    } catch {
      req.socket.destroy();
      return;
    }
    if (res.destroyed || this.device.faults().resetConnections) {
      req.socket.resetAndDestroy();
      return;
    }
    res.writeHead(out.status, { Server: 'App-webs/', ...out.headers, 'Content-Length': String(out.body.length) });
    res.end(out.body);
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** The whole body, or undefined when the request is over `limit` (answered 413) or broke off. */
async function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer | undefined> {
  const tooLarge = (): undefined => {
    res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('Request Entity Too Large');
    req.socket.destroy();
    return undefined;
  };
  if (Number(req.headers['content-length'] ?? 0) > limit) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const b = chunk as Buffer;
      size += b.length;
      if (size > limit) return tooLarge();
      chunks.push(b);
    }
  } catch {
    return undefined;
  }
  return Buffer.concat(chunks);
}
