/**
 * The platform's MQTT broker: embedded Aedes by default, an external broker (Mosquitto, EMQX) when
 * MQTT_URL is set. Aedes 1.2 speaks MQTT 3.1.1 (not 5), so every client here uses protocol
 * version 4 and the tunnel carries reply topics in its own envelope (src/protocol/tunnel/envelope.ts).
 * The MQTT client helpers every party uses (platform services, site agent, emulator) are in src/mqtt.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { Aedes, type AedesOptions, type Client } from 'aedes';
import type { BrokerPrincipal, TopicAcl } from '../../protocol/tunnel/acl';
import { PacketSizeGuard, maxPacketBytes } from './packet-size-guard';

/** Who a client is (`BrokerPrincipal`), or null/false to refuse it; `true` = the platform (everything). */
export type BrokerAuthenticate = (clientId: string, username: string | undefined, password: Buffer | undefined) => BrokerPrincipal | boolean | null | Promise<BrokerPrincipal | boolean | null>;

export interface BrokerRefusal {
  action: 'publish' | 'subscribe';
  principal: BrokerPrincipal;
  topic: string;
}

export interface EmbeddedBrokerOptions {
  host?: string;
  /** 0 = random. Never 1883 by default: that is where a machine's own Mosquitto lives. */
  port?: number;
  /** Broker-level authentication hook (e.g. device proofs, agent tokens); absent = anonymous. */
  authenticate?: BrokerAuthenticate;
  /** What each authenticated client may publish and subscribe to; absent = anything. */
  acl?: TopicAcl;
  /** Told of every refused PUBLISH or SUBSCRIBE (metrics, logs). */
  onRefused?: (r: BrokerRefusal) => void;
}

export interface EmbeddedBroker {
  url: string;
  /** Connected MQTT clients right now. */
  connectedClients(): number;
  /** Close every connection whose principal matches now (a revoked agent); how many were closed. */
  disconnect(match: (who: BrokerPrincipal) => boolean): number;
  close(): Promise<void>;
}

/** Port the server uses for its embedded broker unless configured otherwise. */
export const DEFAULT_EMBEDDED_BROKER_PORT = 18830;

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = opts.host ?? '127.0.0.1';
  const options: AedesOptions = { heartbeatInterval: 60_000, connectTimeout: 30_000 };
  const authenticate = opts.authenticate;
  // Who each connected client authenticated as (the ACL's subject).
  const principals = new WeakMap<Client, BrokerPrincipal>();
  if (authenticate) {
    options.authenticate = (client, username, password, done) => {
      Promise.resolve(authenticate(client.id, username ?? undefined, password ?? undefined)).then(
        (who) => {
          if (!who) return done(Object.assign(new Error('not authorized'), { returnCode: 4 as const }), false);
          principals.set(client, who === true ? { kind: 'platform' } : who);
          done(null, true);
        },
        () => done(Object.assign(new Error('authentication failed'), { returnCode: 3 as const }), false),
      );
    };
  }
  const acl = opts.acl;
  if (acl) {
    // A client without a principal got in without authentication (no hook): nothing to restrict.
    const refused = (action: BrokerRefusal['action'], client: Client | null, topic: string): boolean => {
      const who = client ? principals.get(client) : undefined;
      if (!who) return false;
      const ok = action === 'publish' ? acl.mayPublish(who, topic) : acl.maySubscribe(who, topic);
      if (!ok) opts.onRefused?.({ action, principal: who, topic });
      return !ok;
    };
    options.authorizePublish = (client, packet, done) => {
      // MQTT 3.1.1 has no negative PUBACK: the broker drops the message and closes the connection.
      if (refused('publish', client, packet.topic)) return done(new Error(`publish to ${packet.topic} refused`));
      done(null);
    };
    options.authorizeSubscribe = (client, sub, done) => {
      // A refused filter gets a SUBACK failure (0x80); the connection stays.
      if (refused('subscribe', client, sub.topic)) return done(null, null);
      done(null, sub);
    };
  }
  const broker = await Aedes.createBroker(options);
  indexRetainedByTopic(broker);
  const live = new Set<Client>();
  broker.on('client', (c) => {
    live.add(c);
    releaseConnectPacket(c);
  });
  broker.on('clientDisconnect', (c) => live.delete(c));
  // No Nagle: small request/response messages otherwise wait for delayed ACKs (~40 ms each way).
  // Packet sizes by sender (packet-size-guard.ts): before authentication a CONNECT's worth; on a
  // broker without authentication (tests, development) everyone is the platform.
  const limitOf = (client: Client) => maxPacketBytes(authenticate ? (principals.get(client) ?? 'unauthenticated') : { kind: 'platform' });
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    const client = broker.handle(socket);
    guardReads(socket, new PacketSizeGuard(() => limitOf(client)));
  });
  server.maxConnections = 100_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed = false;
  return {
    url: `mqtt://${urlHost}:${port}`,
    connectedClients: () => broker.connectedClients,
    disconnect(match) {
      let n = 0;
      for (const c of live) {
        const who = principals.get(c);
        if (who && match(who)) {
          live.delete(c);
          c.close();
          n++;
        }
      }
      return n;
    },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Connections still open after broker.close() (half-closed sockets) must not hold close().
        setTimeout(resolve, 2000).unref();
      });
    },
  };
}

/**
 * Aedes takes a connection's bytes with `read()`: each chunk it takes passes the guard first, and a
 * packet declaring more than its sender may send closes the connection before it is buffered.
 */
function guardReads(socket: Socket, guard: PacketSizeGuard): void {
  const read = socket.read.bind(socket);
  socket.read = (size?: number): unknown => {
    const chunk: unknown = read(size);
    if (chunk instanceof Uint8Array && !guard.feed(chunk)) {
      socket.destroy();
      return null;
    }
    return chunk;
  };
}

/**
 * After a CONNECT, Aedes keeps the whole packet for the connection's life (mqtt-packet's parser
 * holds it as its settings; the client holds its will). Its password and will payload are slices
 * of the chunk the packet was read in, so every connection pinned a whole 8 KB buffer-pool slab
 * (40 MB at 9,000 devices) and kept the device's connect password in memory. What stays: the
 * protocol version the parser reads, and the will payload as a copy of its own (the same object
 * Aedes' persistence holds, so the will still goes out when the connection dies).
 */
export function releaseConnectPacket(client: Client): void {
  const c = client as unknown as { _parser?: { settings?: { protocolVersion?: number; bridgeMode?: boolean } }; will?: { payload?: Buffer } | null };
  const settings = c._parser?.settings;
  if (c._parser && settings) c._parser.settings = { protocolVersion: settings.protocolVersion ?? 4, ...(settings.bridgeMode ? { bridgeMode: true } : {}) };
  if (c.will?.payload instanceof Uint8Array) c.will.payload = ownCopy(c.will.payload);
}

/** `b` itself when it is its whole buffer; else a copy in a buffer of its own (not from the shared pool). */
function ownCopy(b: Buffer): Buffer {
  if (!(b instanceof Uint8Array) || b.buffer.byteLength === b.length) return b;
  const own = Buffer.allocUnsafeSlow(b.length);
  own.set(b);
  return own;
}

interface RetainedPersistence {
  storeRetained(packet: { topic: string; payload: Buffer }, cb?: (err: Error | null) => void): unknown;
  createRetainedStreamCombi(patterns: string[]): Readable;
  createRetainedStream(pattern: string): Readable;
}

/**
 * Aedes' memory persistence answers every SUBSCRIBE by testing the pattern against *all* retained
 * messages, so N devices each subscribing while N retained presence messages exist costs O(N²)
 * (5,000 devices took minutes to connect). Devices subscribe to exact topics only; for those, a
 * topic-indexed copy of the retained messages answers in O(1). Wildcard patterns (the gateway's)
 * still go to Aedes' own scan.
 */
function indexRetainedByTopic(broker: Aedes): void {
  const p = (broker as unknown as { persistence: RetainedPersistence }).persistence;
  const retained = new Map<string, { topic: string; payload: Buffer }>();
  const store = p.storeRetained.bind(p);
  const combi = p.createRetainedStreamCombi.bind(p);
  const single = p.createRetainedStream.bind(p);
  const exact = (t: string) => !t.includes('+') && !t.includes('#');
  p.storeRetained = (packet, cb) => {
    if (packet.payload.length === 0) retained.delete(packet.topic);
    else {
      // Kept as long as the topic's last message: a copy of its own, not a slice pinning the chunk it was read in.
      packet.payload = ownCopy(packet.payload);
      retained.set(packet.topic, { ...packet });
    }
    return store(packet, cb);
  };
  p.createRetainedStreamCombi = (patterns) =>
    patterns.every(exact) ? Readable.from(patterns.flatMap((t) => (retained.has(t) ? [retained.get(t)!] : []))) : combi(patterns);
  p.createRetainedStream = (pattern) => (exact(pattern) ? Readable.from(retained.has(pattern) ? [retained.get(pattern)!] : []) : single(pattern));
}
