import { execFile } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAppError } from '../../errors/app-error';
import { postFaults, rawRequest } from '../../emulator/testing';
import { startFleet, type Fleet } from '../../emulator';
import { startEmulatorFleet, type StartOptions } from './emulator';

const run = promisify(execFile);

/** A TCP port on loopback that something else holds. */
async function occupiedTcpPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return { server, port: addr && typeof addr === 'object' ? addr.port : 0 };
}

const options = (o: Partial<StartOptions>): StartOptions => ({ count: 2, port: 0, host: '127.0.0.1', sadpPort: 0, ...o });

// Spawns load the whole CLI through tsx (seconds on a busy machine): generous timeouts.
describe('sitekeeper emulator: ports in use', { timeout: 120_000 }, () => {
  let taken: { server: Server; port: number };
  let udp: UdpSocket;
  let udpPort = 0;
  beforeAll(async () => {
    taken = await occupiedTcpPort();
    udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    udpPort = udp.address().port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => taken.server.close(() => resolve()));
    await new Promise<void>((resolve) => udp.close(resolve));
  });

  it('an explicit --port that is taken: exits non-zero with a hint naming --port (nothing left running)', async () => {
    const err = await run(process.execPath, ['bin/sitekeeper.mjs', 'emulator', '--count', '2', '--port', String(taken.port), '--sadp-port', '0', '--json'], {
      cwd: join(import.meta.dirname, '../../..'),
      timeout: 60_000,
    }).then(
      () => undefined,
      (e: unknown) => e as { code?: number; killed?: boolean; stdout: string; stderr: string },
    );
    // Exited by itself (not killed by the timeout), with status 1.
    expect(err).toMatchObject({ code: 1, killed: false, stdout: '' });
    expect(err?.stderr).toContain(`Port ${taken.port}`);
    expect(err?.stderr).toMatch(/hint: .*--port/);
  });

  it('the same through the start function: a CONFLICT error with the --port hint', async () => {
    const e = await startEmulatorFleet(options({ port: taken.port, portExplicit: true }), () => undefined).then(
      async (fleet) => {
        await fleet.close();
        return undefined;
      },
      (x: unknown) => x,
    );
    expect(isAppError(e, 'CONFLICT')).toBe(true);
    expect((e as { hint: string }).hint).toContain('--port');
  });

  it('the default port taken: the control API moves to a free port and says where', async () => {
    const warnings: string[] = [];
    const fleet = await startEmulatorFleet(options({ port: taken.port, portExplicit: false }), (line) => warnings.push(line));
    try {
      const port = Number(new URL(fleet.controlUrl).port);
      expect(port).not.toBe(taken.port);
      expect(warnings).toEqual([expect.stringContaining(`port ${taken.port} is in use`)]);
      expect(warnings[0]).toContain(fleet.controlUrl);
      expect((await rawRequest(`${fleet.controlUrl}/control/devices`)).status).toBe(200);
    } finally {
      await fleet.close();
    }
  });

  it('the SADP port taken: SADP answers on a free port, with a warning', async () => {
    const warnings: string[] = [];
    const fleet = await startEmulatorFleet(options({ sadpPort: udpPort }), (line) => warnings.push(line));
    try {
      expect(fleet.sadpPort).toBeGreaterThan(0);
      expect(fleet.sadpPort).not.toBe(udpPort);
      expect(warnings).toEqual([expect.stringContaining(`UDP ${udpPort} is in use`)]);
    } finally {
      await fleet.close();
    }
  });
});

describe('sitekeeper emulator fault', () => {
  let fleet: Fleet;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sk-emu-cli-'));
    fleet = await startFleet({ count: 2, statePath: join(dir, 'fleet.json') });
  });
  afterAll(async () => {
    await fleet.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sitekeeper emulator fault sets faults through the control API', async () => {
    const { Command } = await import('commander');
    const { register } = await import('./emulator');
    const program = new Command().exitOverride();
    register(program);
    const d = fleet.devices[0]!;
    const write = process.stdout.write.bind(process.stdout);
    let printed = '';
    process.stdout.write = ((chunk: string) => {
      printed += chunk;
      return true;
    });
    try {
      await program.parseAsync(['emulator', 'fault', d.shortSerial, 'latencyMs=5', 'tamper=true', '--control', fleet.controlUrl], { from: 'user' });
    } finally {
      process.stdout.write = write;
    }
    expect(JSON.parse(printed)).toMatchObject({ serial: d.serial, faults: { latencyMs: 5 } });
    expect(d.faultState().latencyMs).toBe(5);
    await postFaults(fleet.controlUrl, d.serial, { latencyMs: 0 });
  });

});
