import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, fleetSpecs, hostFor, type Fleet } from './index';
import { buildProbe, parseProbeMatch, type SadpProbeMatch } from '../protocol/sadp/sadp';
import { tryParseLabel } from '../protocol/qr/label';
import { DigestClient, postFaults, rawRequest } from './testing';
import { eventually } from '../../test/helpers/wait';

/**
 * Sends one inquiry, waits for `expected` answers, and proves there are no more: a second inquiry
 * (the end marker) follows, and once its first answer is in, every answer to the first is too —
 * the responder answers one inquiry completely before it reads the next (up to 64 devices, sent in
 * one go), and loopback UDP keeps their order. No sleeping for "long enough".
 */
async function probe(port: number, expected: number, uuid = 'TEST-UUID'): Promise<SadpProbeMatch[]> {
  const sock = createSocket('udp4');
  const got: SadpProbeMatch[] = [];
  sock.on('message', (m) => got.push(parseProbeMatch(m)));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const answers = (u: string) => got.filter((m) => m.uuid === u);
  try {
    sock.send(buildProbe({ uuid, types: 'inquiry' }), port, '127.0.0.1');
    await eventually(() => answers(uuid).length >= expected, `${expected} SADP answers`, 5000, 20);
    sock.send(buildProbe({ uuid: END_MARKER, types: 'inquiry' }), port, '127.0.0.1');
    await eventually(() => answers(END_MARKER).length > 0, 'an answer to the end-marker inquiry', 5000, 20);
    return answers(uuid);
  } finally {
    await new Promise<void>((r) => sock.close(() => r()));
  }
}

const END_MARKER = 'END-OF-ANSWERS';

describe('fleet', () => {
  let fleet: Fleet;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sk-emu-'));
    fleet = await startFleet({ count: 6, statePath: join(dir, 'fleet.json') });
  });
  afterAll(async () => {
    await fleet.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('mixes the states an installer meets', () => {
    const specs = fleetSpecs(6);
    expect(specs.map((s) => s.type)).toEqual(['camera', 'nvr', 'axpro', 'unknown', 'camera', 'nvr']);
    expect(specs[1]?.activated).toBe(false);
    expect(specs[2]?.cloudEnabled).toBe(false);
    expect(specs[5]?.powered).toBe(false);
    expect(fleet.devices.filter((d) => !d.activated)).toHaveLength(1);
    expect(fleet.devices.filter((d) => !d.powered)).toHaveLength(1);
    // Factory-new devices have their cloud service off and no credentials to show.
    const fresh = fleet.describe(fleet.devices[1]!);
    expect(fresh).toMatchObject({ activated: false, cloudEnabled: false });
    expect(fresh.adminPassword).toBeUndefined();
  });

  it('describes each device with a real-format label QR', () => {
    for (const d of fleet.devices) {
      const x = fleet.describe(d);
      expect(x.shortSerial).toHaveLength(9);
      expect(x.serial.endsWith(x.shortSerial)).toBe(true);
      expect(x.verificationCode).toMatch(/^[A-Z]{6}$/);
      const label = tryParseLabel(x.label);
      expect(label).toMatchObject({ serial: x.shortSerial, verificationCode: x.verificationCode, model: x.model });
      expect(x.label.endsWith('\n')).toBe(true);
      expect(x.httpPort).toBeGreaterThan(0);
    }
  });

  it('answers SADP inquiry probes on loopback with one ProbeMatch per reachable device', async () => {
    const online = fleet.devices.filter((d) => d.lanReachable);
    const matches = await probe(fleet.sadpPort, online.length);
    expect(matches).toHaveLength(online.length);
    const m = matches.find((x) => x.deviceSN === online[0]?.serial);
    expect(m).toMatchObject({ uuid: 'TEST-UUID', types: 'inquiry', ipv4Address: '127.0.0.1', httpPort: online[0]?.httpPort, activated: true, hcPlatformEnable: true });
    expect(m?.mac).toMatch(/^([0-9a-f]{2}-){5}[0-9a-f]{2}$/);
    expect(matches.find((x) => x.deviceSN === fleet.devices[1]?.serial)?.activated).toBe(false);
    await postFaults(fleet.controlUrl, online[0]?.serial ?? '', { lan: 'down' });
    expect(await probe(fleet.sadpPort, online.length - 1)).toHaveLength(online.length - 1);
    await postFaults(fleet.controlUrl, online[0]?.serial ?? '', { lan: 'up' });
  });

  it('serves the index page, label PNGs and the device list', async () => {
    const index = await rawRequest(`${fleet.controlUrl}/`);
    expect(index.status).toBe(200);
    for (const d of fleet.devices) expect(index.text).toContain(d.shortSerial);
    const admin = fleet.devices[0]?.adminUser;
    expect(index.text).toContain(admin?.password ?? 'missing');
    const png = await rawRequest(`${fleet.controlUrl}/control/devices/${fleet.devices[0]?.serial ?? ''}/label.png`);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.body.subarray(1, 4).toString()).toBe('PNG');
    const list = JSON.parse((await rawRequest(`${fleet.controlUrl}/control/devices`)).text) as { serial: string; faults: { power: string } }[];
    expect(list).toHaveLength(6);
    expect(list[5]?.faults.power).toBe('off');
    expect(list.map((d) => (d as { online?: boolean }).online)).toEqual([true, true, true, true, true, false]);
  });

  it('persists state so a fleet survives a restart', async () => {
    const d = fleet.devices[0]!;
    const c = new DigestClient(`http://${d.host}:${d.httpPort}`, 'admin', d.adminUser?.password ?? '');
    await c.put('/ISAPI/System/Network/EZVIZ', '<EZVIZ><enabled>true</enabled><verificationCode>PERSIST1</verificationCode></EZVIZ>');
    await fleet.save();
    const saved = JSON.parse(readFileSync(join(dir, 'fleet.json'), 'utf8')) as { devices: { serial: string; verificationCode: string }[] };
    expect(saved.devices[0]).toMatchObject({ serial: d.serial, verificationCode: 'PERSIST1' });
    const second = await startFleet({ count: 6, statePath: join(dir, 'fleet.json'), sadpPort: false, controlPort: 0 }).catch((e: unknown) => e);
    // The first fleet still runs with the same ports: the restarted one falls back to free ports.
    expect(second).not.toBeInstanceOf(Error);
    const f2 = second as Fleet;
    try {
      expect(f2.devices.map((x) => x.serial)).toEqual(fleet.devices.map((x) => x.serial));
      const d2 = f2.get(d.shortSerial)!;
      expect(d2.verificationCode).toBe('PERSIST1');
      expect(d2.adminUser?.password).toBe(d.adminUser?.password);
      expect(f2.devices[5]?.powered).toBe(false);
    } finally {
      await f2.close();
    }
  });
});

describe('fleet addressing', () => {
  it('gives consecutive loopback addresses, skipping .0 and .255', () => {
    expect(hostFor('127.1.0.1', 0)).toBe('127.1.0.1');
    expect(hostFor('127.1.0.254', 1)).toBe('127.1.1.1');
    expect(() => hostFor('10.0.0.1', 0)).toThrow();
  });

  it('runs devices on their own 127.x addresses', async () => {
    const f = await startFleet({ count: 2, hostBase: '127.3.0.1', mix: false });
    try {
      expect(f.devices.map((d) => d.host)).toEqual(['127.3.0.1', '127.3.0.2']);
      expect((await rawRequest(`http://127.3.0.2:${f.devices[1]?.httpPort ?? 0}/SDK/activateStatus`)).status).toBe(200);
    } finally {
      await f.close();
    }
  });
});

describe('sitekeeper emulator --json (CLI)', () => {
  it('prints one JSON line per device once listening, with exactly the documented fields', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'emulator', '--count', '5', '--json', '--port', '0', '--sadp-port', '0'], { cwd: join(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const lines = await new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout; stderr: ${err}`)), 25_000);
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const l = out.split('\n').filter(Boolean);
        if (l.length >= 5) {
          clearTimeout(timer);
          resolve(l);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${String(code)}: ${err}`)));
    });
    try {
      const devices = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const d of devices) {
        const keys = ['serial', 'shortSerial', 'type', 'model', 'host', 'httpPort', 'verificationCode', 'activated', 'cloudEnabled', 'online', 'label', ...(d.activated ? ['adminUser', 'adminPassword'] : [])];
        expect(Object.keys(d).sort()).toEqual(keys.sort());
      }
      // The default fleet's last device is powered off, and the lines say so.
      expect(devices.map((d) => d.online)).toEqual([true, true, true, true, false]);
      const ready = devices[0] as { host: string; httpPort: number; adminUser: string; adminPassword: string };
      const r = await new DigestClient(`http://${ready.host}:${ready.httpPort}`, ready.adminUser, ready.adminPassword).get('/ISAPI/System/deviceInfo');
      expect(r.status).toBe(200);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
