/**
 * Storm control end to end (issue 15): 48 of a 50-device site's emulated cameras powered off
 * together (the fault switchboard) give one grouped alert per recipient, never one per device;
 * powered on again, one recovery notice per recipient.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildInstaller, buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually, startFleetFor } from '../helpers/fleet';

let p: TestPlatform;
let company: TestCompany;
let fleet: Fleet;
let site: { id: string; name: string };

beforeAll(async () => {
  p = await startTestPlatform({ config: { healthPollSeconds: 1, healthOfflineGraceSeconds: 2, healthPollConcurrency: 16, exceptionsPollMs: 200, stormWindowSeconds: 5, stormMinDevices: 5 } });
  company = await setupCompany(p.app, p.setupToken);
  site = await buildSite(company, 'Distribution centre');
  fleet = await startFleetFor(p, Array.from({ length: 50 }, () => ({ type: 'camera' as const, cloudEnabled: false })));
}, 180_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
});

async function insertDirect(d: VirtualDevice, i: number): Promise<string> {
  const desc = fleet.describe(d);
  const creds = p.app.platform.secrets.seal(JSON.stringify({ user: desc.adminUser, password: desc.adminPassword }), `device:${desc.serial}`);
  const r = await p.app.platform.database.db
    .insertInto('devices')
    .values({
      company_id: company.companyId, site_id: site.id, serial: desc.serial, name: `Camera ${i}`, type: desc.type, model: desc.model,
      added_via: 'direct', host: desc.host, port: desc.httpPort, credentials_sealed: creds, verification_code_sealed: null, added_by: null, firmware_compatible: true, status: 'online',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

const inbox = async (userId: string, kind: string) => p.app.platform.database.db.selectFrom('notifications').select(['title']).where('user_id', '=', userId).where('kind', '=', kind).execute();
const healthStates = async (ids: string[]) => p.app.platform.database.db.selectFrom('device_health').select('state').where('device_id', 'in', ids).execute();

it('a 50-device site going dark: one grouped alert per recipient, then one recovery', async () => {
  const installer = await buildInstaller(p.app, company, 'manage_all');
  const recipients = [company.adminId, installer.id];
  const ids: string[] = [];
  for (const [i, d] of fleet.devices.entries()) ids.push(await insertDirect(d, i));
  await eventually(async () => (await healthStates(ids)).filter((h) => h.state !== 'unknown' && h.state !== 'offline').length === 50, 'all 50 collected', 90_000);

  const dark = fleet.devices.slice(0, 48);
  await Promise.all(dark.map((d) => fleet.applyFaults(d.serial, { power: 'off' })));
  for (const u of recipients) {
    const alerts = await eventually(async () => {
      const a = await inbox(u, 'exception.storm');
      return a.length > 0 ? a : undefined;
    }, `grouped alert for ${u}`, 90_000);
    expect(alerts.map((a) => a.title)).toEqual(['Distribution centre: 48 of 50 devices offline']);
  }
  await eventually(async () => (await healthStates(ids)).filter((h) => h.state === 'offline').length === 48, '48 offline', 60_000);

  await Promise.all(dark.map((d) => fleet.applyFaults(d.serial, { power: 'on' })));
  for (const u of recipients) await eventually(async () => (await inbox(u, 'exception.storm_recovered')).length === 1, `recovery for ${u}`, 90_000);
  await p.app.platform.exceptions.processPending();
  for (const u of recipients) {
    expect(await inbox(u, 'exception.storm')).toHaveLength(1);
    expect(await inbox(u, 'exception.storm_recovered')).toHaveLength(1);
    expect(await inbox(u, 'exception.offline')).toEqual([]);
    expect(await inbox(u, 'exception.back_online')).toEqual([]);
  }
}, 300_000);
