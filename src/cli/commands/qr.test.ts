import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MULTI_DEVICE_VECTOR } from '../../../test/fixtures/qr/vectors';

const run = promisify(execFile);
const cli = (args: string[]) => run(process.execPath, ['bin/sitekeeper.mjs', 'qr', ...args], { cwd: join(import.meta.dirname, '../../..'), timeout: 60_000 });

// Each spawn loads the whole CLI through tsx (seconds on a busy machine): generous timeouts.
describe('sitekeeper qr (CLI)', { timeout: 120_000 }, () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sk-qr-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('encodes a label to PNG, then decodes it as one JSON line', async () => {
    const png = join(dir, 'label.png');
    await cli(['encode', 'label', '--serial', 'J12345678', '--code', 'ABCDEF', '--model', 'DS-2CD2143G2-IS', '-o', png]);
    const { stdout } = await cli(['decode', png, '--json']);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(Object.keys(line)).toEqual(['file', 'codes', 'ms']);
    expect(line.file).toBe(png);
    expect(line.codes).toHaveLength(1);
    expect(line.codes[0].text).toBe('www.hik-connect.com\nJ12345678\nABCDEF\nDS-2CD2143G2-IS\n');
    expect(Object.keys(line.codes[0].position)).toEqual(['topLeft', 'topRight', 'bottomRight', 'bottomLeft']);
    expect(typeof line.codes[0].position.topLeft.x).toBe('number');
  });

  it('parses the multi-device vector with --password as JSON', async () => {
    const { stdout } = await cli(['parse', MULTI_DEVICE_VECTOR, '--password', '12Qweq24', '--json']);
    const q = JSON.parse(stdout);
    expect(q).toMatchObject({ kind: 'device-list', locked: false, timestamp: 1740175993, devices: [{ name: 'camera', host: '192.168.1.1', port: 8000, user: 'admin', password: 'admin' }] });
  });

  it('fails with QR_PASSWORD_REQUIRED when no password is given and stdin is not a terminal', async () => {
    const err = await cli(['parse', MULTI_DEVICE_VECTOR, '--json']).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toMatch(/QR_PASSWORD_REQUIRED/);
  });
});
