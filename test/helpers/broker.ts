/**
 * The MQTT broker for tests: the machine's broker when MQTT_URL is set (e.g. a real Mosquitto on
 * mqtt://127.0.0.1:1883), else an embedded Aedes on a random loopback port. Every call also gives
 * a unique topic prefix, so parallel runs sharing one external broker never see each other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { startEmbeddedBroker } from '../../src/server/broker';
import { eventually } from './wait';
import { accepts } from './http-session';

export interface TestBroker {
  url: string;
  /** Unique per call, e.g. `sk-test/3fa2c1d0/`; pass it to every gateway, agent and device. */
  topicPrefix: string;
  external: boolean;
  close(): Promise<void>;
}

export async function getTestBroker(): Promise<TestBroker> {
  const topicPrefix = `sk-test/${randomBytes(5).toString('hex')}/`;
  const external = process.env.MQTT_URL;
  if (external) return { url: external, topicPrefix, external: true, close: async () => undefined };
  const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
  return { url: broker.url, topicPrefix, external: false, close: () => broker.close() };
}

export interface CountingProxy {
  /** The broker's URL through the proxy: give it to the client under test. */
  url: string;
  /** TCP connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

/**
 * A loopback TCP forwarder to the broker that counts the connections it accepts: the witness of
 * how often a client under test connected. Connections are accepted in the order they were opened,
 * so once traffic of a later connection has passed, every earlier one has been counted.
 */
export async function startCountingProxy(brokerUrl: string): Promise<CountingProxy> {
  const target = new URL(brokerUrl);
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    const upstream = connect(Number(target.port || 1883), target.hostname.replace(/^\[|\]$/g, ''));
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => undefined).on('close', () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(s);
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A broker of the test's own that it can crash and start again on the same port. */
export interface RestartableBroker {
  url: string;
  /** Dies at once, like a killed process: connections drop and no Last Will is published. */
  crash(): Promise<void>;
  /** Starts again on the same port, empty (no retained messages, no sessions). */
  start(): Promise<void>;
  close(): Promise<void>;
}

async function listenOn(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Aedes (the embedded broker's engine) on a loopback port. A crash refuses every publish while the
 * connections are cut, so the devices' Last Wills go nowhere, as when the process dies.
 */
export async function startRestartableAedes(): Promise<RestartableBroker> {
  let port = 0;
  let running: { aedes: Aedes; server: Server; sockets: Set<Socket> } | undefined;
  let crashing = false;
  const start = async () => {
    const aedes = await Aedes.createBroker({ authorizePublish: (_client, _packet, done) => done(crashing ? new Error('broker crashing') : null) });
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket.on('close', () => sockets.delete(socket)));
      socket.setNoDelay(true);
      aedes.handle(socket);
    });
    port = await listenOn(server, port);
    running = { aedes, server, sockets };
  };
  const crash = async () => {
    const r = running;
    if (!r) return;
    running = undefined;
    crashing = true;
    const closed = new Promise<void>((resolve) => r.server.close(() => resolve()));
    for (const s of r.sockets) s.destroy();
    await new Promise<void>((resolve) => r.aedes.close(() => resolve()));
    await closed;
    crashing = false;
  };
  await start();
  return { url: `mqtt://127.0.0.1:${port}`, crash, start, close: crash };
}

/**
 * A Mosquitto process of the test's own (never the machine's on 1883) on a free loopback port,
 * without persistence. A crash is SIGKILL: Mosquitto publishes no Last Will when it is killed.
 */
/**
 * A Mosquitto of the test's own that can crash (SIGKILL) and start again on the same port. With
 * `persistent`, it saves its state (retained messages among it) after every change and loads it
 * again at start, as a broker with persistence does across a crash; `saved(text)` tells whether
 * the saved state holds a string (a topic, say) yet.
 */
export async function startRestartableMosquitto(opts: { persistent?: boolean } = {}): Promise<RestartableBroker & { saved(text: string): boolean }> {
  const probe = createServer();
  const port = await listenOn(probe, 0);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const dir = mkdtempSync(join(tmpdir(), 'sk-test-mosq-'));
  const conf = join(dir, 'mosquitto.conf');
  // Started as root, Mosquitto drops to its own user: the folder it saves in must be theirs to write.
  const saveDir = join(dir, 'data');
  if (opts.persistent) {
    mkdirSync(saveDir, { mode: 0o777 });
    chmodSync(saveDir, 0o777);
    chmodSync(dir, 0o755);
  }
  const persistence = opts.persistent ? `persistence true\npersistence_location ${saveDir}/\nautosave_on_changes true\nautosave_interval 1\n` : 'persistence false\n';
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n${persistence}`);
  let child: ChildProcess | undefined;
  const start = async () => {
    const c = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
    child = c;
    const failed = new Promise<never>((_resolve, reject) => {
      c.once('error', reject);
      c.once('exit', (code) => reject(new Error(`mosquitto exited with ${String(code)} (is it installed?)`)));
    });
    failed.catch(() => undefined);
    await Promise.race([eventually(() => accepts(port), `mosquitto listening on ${port}`, 10_000, 50), failed]);
  };
  const crash = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.pid === undefined) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    process.kill(c.pid, 'SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    crash,
    start,
    saved: (text) => {
      try {
        return readFileSync(join(saveDir, 'mosquitto.db')).includes(text);
      } catch {
        return false;
      }
    },
    async close() {
      await crash();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
