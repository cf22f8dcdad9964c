/**
 * `sitekeeper add` end to end: the CLI spawned as a separate process against a real platform
 * listening on 127.0.0.1 (API token auth), with emulated devices in the device cloud.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelPng, type Fleet, type VirtualDevice } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually, startFleetFor } from '../helpers/fleet';

const root = join(import.meta.dirname, '../..');

function cli(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['bin/sitekeeper.mjs', 'add', ...args], { cwd: root, timeout: 90_000, env: { ...process.env, SITEKEEPER_TOKEN: '', SITEKEEPER_URL: '' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin?.end(stdin);
    else child.stdin?.end();
  });
}

let p: TestPlatform;
let company: TestCompany;
let fleet: Fleet;
let token: string;
let devs: VirtualDevice[];
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sk-cli-add-'));
  p = await startTestPlatform({ listen: true });
  company = await setupCompany(p.app, p.setupToken);
  const t = await company.admin.post('/api/auth/tokens', { name: 'cli test' });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  token = t.body.token as string;
  fleet = await startFleetFor(p, [{ type: 'camera' }, { type: 'camera' }, { type: 'nvr', channels: 4, hdds: 1 }]);
  devs = fleet.devices;
  for (const d of devs) {
    await eventually(() => p.inDeviceCloud(d.serial), `${d.serial} online in the device cloud`);
  }
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const label = (d: VirtualDevice) => fleet.describe(d).label;
const siteDevices = async (siteId: string) => (await company.admin.get(`/api/sites/${siteId}/devices`)).body.items as Array<{ serial: string }>;

describe('sitekeeper add (CLI against a running server)', { timeout: 120_000 }, () => {
  it('adds a device from a photo of its label to a site given by name: table, result line, exit 0', async () => {
    const site = await buildSite(company, `CLI Warehouse ${Date.now()}`);
    await buildSite(company, `${site.name} annex`); // a partial match must not make the exact name ambiguous
    const photo = join(dir, 'label.png');
    await writeFile(photo, await labelPng(devs[0]!.state));
    const r = await cli(['--server', p.baseUrl, '--token', token, '--site', site.name, photo]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/NAME\s+SERIAL\s+STATE\s+NEXT/);
    expect(r.stdout).toContain(devs[0]!.serial);
    expect(r.stdout).toMatch(/^added\s+.*\S/m);
    expect((await siteDevices(site.id)).map((d) => d.serial)).toEqual([devs[0]!.serial]);
  });

  it('label text with a wrong verification code: exit 1, the error code and hint in the output, nothing added', async () => {
    const site = await buildSite(company);
    const wrong = label(devs[1]!).replace(devs[1]!.verificationCode, 'ZZZZZZ');
    const r = await cli(['--server', p.baseUrl, '--token', token, '--site', site.id, wrong]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/failed\s+.*VERIFICATION_CODE_INVALID/);
    expect(r.stdout).toMatch(/hint: .*label/i);
    expect(await siteDevices(site.id)).toEqual([]);
  });

  it('--json with the text on stdin: one JSON object { scanId, batchId, items }, exit 0', async () => {
    const site = await buildSite(company);
    const d = devs[2]!;
    // Serial-only text on stdin, the verification code as a flag.
    const r = await cli(['--server', p.baseUrl, '--token', token, '--site', site.name, '--verification-code', d.verificationCode, '--json', '-'], d.shortSerial);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(Object.keys(out)).toEqual(['scanId', 'batchId', 'items']);
    expect(out.items).toHaveLength(1);
    expect(out.items[0]).toMatchObject({ serial: d.serial, state: 'added', error: null });
    expect(r.stdout + r.stderr).not.toContain(d.verificationCode);
    expect((await siteDevices(site.id)).map((x) => x.serial)).toEqual([d.serial]);
  });
});
