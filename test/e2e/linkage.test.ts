/**
 * Linkage rules end to end against the emulator (issue 15): a zone alarm on an emulated AX Pro
 * starts manual recording on the chosen emulated camera of the same site; with monitoring off on
 * the camera the rule shows invalid with the reason and does not fire, on again it is valid; a
 * rule whose target is on another site is refused; a firing is logged once per (rule, event) even
 * when the consumer reads the outbox again; its webhook action reaches a loopback endpoint once, signed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually, insertFleetDevice, startFleetFor } from '../helpers/fleet';
import { DELIVERY_HEADER, SIGNATURE_HEADER, verifyWebhook } from '../../src/server/webhooks/webhook-signature';

let p: TestPlatform;
let company: TestCompany;
let fleet: Fleet;
let siteId: string;
let otherSiteId: string;
let hub: VirtualDevice;
let camera: VirtualDevice;
let hubId: string;
let cameraId: string;
let otherCameraId: string;
let ruleId: string;
/** A loopback webhook endpoint the rule's webhook action posts to. */
let hookServer: http.Server;
let hookId: string;
let hookSecret: string;
const hooks: Array<{ body: string; signature: string; delivery: string }> = [];

beforeAll(async () => {
  p = await startTestPlatform({ config: { healthPollSeconds: 1, healthOfflineGraceSeconds: 2, healthPollConcurrency: 4, exceptionsPollMs: 200, webhookAllowedRanges: ['127.0.0.0/8'] } });
  company = await setupCompany(p.app, p.setupToken);
  hookServer = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooks.push({ body, signature: String(req.headers[SIGNATURE_HEADER] ?? ''), delivery: String(req.headers[DELIVERY_HEADER] ?? '') });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', () => r()));
  const hook = await company.admin.post('/api/webhooks', { name: 'Linkage NOC', url: `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/linkage`, types: [] });
  expect(hook.status).toBe(201);
  hookId = hook.body.endpoint.id;
  hookSecret = hook.body.secret;
  siteId = (await buildSite(company, 'Warehouse')).id;
  otherSiteId = (await buildSite(company, 'Office')).id;
  fleet = await startFleetFor(p, [{ type: 'axpro', cloudEnabled: false }, { type: 'camera', cloudEnabled: false }, { type: 'camera', cloudEnabled: false }]);
  [hub, camera] = [fleet.devices[0]!, fleet.devices[1]!];
  hubId = await insertFleetDevice(p, fleet, { companyId: company.companyId, siteId }, hub, 'direct');
  cameraId = await insertFleetDevice(p, fleet, { companyId: company.companyId, siteId }, camera, 'direct');
  otherCameraId = await insertFleetDevice(p, fleet, { companyId: company.companyId, siteId: otherSiteId }, fleet.devices[2]!, 'direct');
  await eventually(async () => (await company.admin.get(`/api/devices/${hubId}/health`)).body.snapshot?.alarm != null, 'hub health collected');
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
  await new Promise<void>((r) => (hookServer ? hookServer.close(() => r()) : r()));
});

const rulesUrl = () => `/api/sites/${siteId}/linkage-rules`;
const ruleBody = (targetId: string) => ({
  name: 'Back door → record',
  template: 'zone_alarm_record',
  eventType: 'zone_alarm',
  sourceDeviceId: hubId,
  sourceZone: 1,
  actions: [{ kind: 'notify', recipients: { siteInstallers: true, installerAdmins: true } }, { kind: 'device', deviceId: targetId, operation: 'start_recording', channel: 1 }, { kind: 'webhook', endpointIds: [hookId] }],
});
const firings = () => p.app.platform.database.db.selectFrom('linkage_firings').select(['event_id', 'state', 'actions']).where('rule_id', '=', ruleId).execute();
const zoneOpenEvents = () =>
  p.app.platform.database.db.selectFrom('domain_events').select('id').where('type', '=', 'device.health_changed').where(sql<boolean>`payload @> ${JSON.stringify({ deviceId: hubId, new: { reasons: [{ code: 'zone_open', subject: { kind: 'zone', id: 1 } }] } })}::jsonb`).execute();
const setZone = (status: 'open' | 'normal') => fleet.applyFaults(hub.serial, { zone: { id: 1, status } });
const hubReasons = async () => ((await company.admin.get(`/api/devices/${hubId}/health`)).body.reasons as Array<{ code: string }>).map((r) => r.code);

describe('linkage rules', () => {
  it('refuses a rule whose target is a device of another site', async () => {
    const r = await company.admin.post(rulesUrl(), ruleBody(otherCameraId));
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('LINKAGE_DEVICE_NOT_ON_SITE');
    const created = await company.admin.post(rulesUrl(), ruleBody(cameraId));
    expect(created.status).toBe(201);
    expect(created.body.validity).toEqual({ valid: true, reasons: [] });
    ruleId = created.body.id;
  });

  it('a custom rule: null zone and channel mean any (not zone 0), a zone 0 stays zone 0', async () => {
    const custom = await company.admin.post(rulesUrl(), { name: 'Camera down', template: null, eventType: 'offline', sourceDeviceId: cameraId, sourceZone: null, sourceChannel: null, conditions: { schedule: null }, actions: [{ kind: 'notify', recipients: { siteInstallers: false, installerAdmins: true } }] });
    expect(custom.status, JSON.stringify(custom.body)).toBe(201);
    expect(custom.body).toMatchObject({ sourceZone: null, sourceChannel: null, template: null });
    const zone0 = await company.admin.put(`${rulesUrl()}/${custom.body.id as string}`, { name: 'Zone 0', template: null, eventType: 'zone_alarm', sourceDeviceId: hubId, sourceZone: 0, actions: [{ kind: 'notify', recipients: { siteInstallers: false, installerAdmins: true } }] });
    expect(zone0.status, JSON.stringify(zone0.body)).toBe(200);
    expect(zone0.body).toMatchObject({ sourceZone: 0, sourceChannel: null });
    expect((await company.admin.delete(`${rulesUrl()}/${custom.body.id as string}`)).status).toBe(204);
  });

  it('monitoring off on the target: the rule is invalid with the reason and does not fire; on again: valid', async () => {
    expect((await company.admin.put(`/api/devices/${cameraId}/health-monitoring`, { enabled: false })).status).toBe(200);
    const listed = await company.admin.get(rulesUrl());
    expect(listed.body.items[0].validity).toEqual({ valid: false, reasons: [expect.objectContaining({ code: 'health_monitoring_off', role: 'target', deviceId: cameraId, message: expect.stringMatching(/linkage rules are invalid/) })] });
    await setZone('open');
    const [zoneEvent] = await eventually(async () => {
      const e = await zoneOpenEvents();
      return e.length === 1 ? e : undefined;
    }, 'the zone alarm is an outbox event');
    // Wait until the linkage consumer has passed the event (explicit outcome), then: nothing fired.
    await eventually(async () => {
      await p.app.platform.linkage.processPending();
      const passed = await sql<{ n: number }>`select 1 as n from outbox_cursors c, domain_events e where c.consumer = 'linkage' and e.id = ${zoneEvent!.id} and (c.tx_id::xid8, c.event_id::bigint) >= (e.tx_id, e.id)`.execute(p.app.platform.database.db);
      return passed.rows.length === 1;
    }, 'linkage cursor past the zone alarm');
    expect(await firings()).toEqual([]);
    expect(camera.state.channels[0]!.manualRecording).toBeUndefined();
    await setZone('normal');
    await eventually(async () => !(await hubReasons()).includes('zone_open'), 'zone closed again');
    expect((await company.admin.put(`/api/devices/${cameraId}/health-monitoring`, { enabled: true })).status).toBe(200);
    expect((await company.admin.get(rulesUrl())).body.items[0].validity).toEqual({ valid: true, reasons: [] });
  });

  it('a zone alarm on the AX Pro starts recording on the chosen camera, logged once per (rule, event)', async () => {
    await setZone('open');
    await eventually(() => camera.state.channels[0]!.manualRecording === true, 'the camera records');
    const log = await eventually(async () => {
      const r = await company.admin.get(`${rulesUrl()}/${ruleId}/firings`);
      return r.body.items[0]?.state === 'done' ? r.body : undefined;
    }, 'firing done');
    expect(log.total).toBe(1);
    expect(log.items[0]).toMatchObject({ eventType: 'zone_alarm', subject: 'zone:1', actions: [{ kind: 'notify', status: 'ok' }, { kind: 'device', operation: 'start_recording', deviceId: cameraId, channel: 1, status: 'ok' }, { kind: 'webhook', status: 'ok' }] });
    // The webhook action: one signed delivery of the firing at the company's endpoint.
    await eventually(() => hooks.length >= 1, 'the webhook endpoint got the firing');
    const deliveries = await eventually(async () => {
      const r = await company.admin.get(`/api/webhooks/${hookId}/deliveries`);
      return r.body.items?.[0]?.status === 'delivered' ? r.body : undefined;
    }, 'the webhook delivery logged as delivered');
    expect(deliveries.total).toBe(1);
    expect(hooks).toHaveLength(1);
    expect(verifyWebhook(hookSecret, hooks[0]!.body, hooks[0]!.signature, Math.floor(Date.now() / 1000))).toBe(true);
    expect(hooks[0]!.delivery).toBe(deliveries.items[0].id);
    expect(JSON.parse(hooks[0]!.body)).toMatchObject({ type: 'linkage.fired', data: { ruleId, eventType: 'zone_alarm', subject: 'zone:1', deviceId: hubId, siteName: 'Warehouse' } });
    const notes = await p.app.platform.database.db.selectFrom('notifications').select('user_id').where('kind', '=', 'linkage.fired').execute();
    expect(notes.map((n) => n.user_id)).toEqual([company.adminId]);
    // The consumer reads the fired event again (its cursor moved back before it, as after a crash before the commit): nothing fires twice.
    const db = p.app.platform.database.db;
    const fired = await db.selectFrom('domain_events').select(['id', sql<string>`tx_id::text`.as('txId')]).where('id', '=', log.items[0].eventId).executeTakeFirstOrThrow();
    await db.updateTable('outbox_cursors').set({ tx_id: fired.txId, event_id: String(Number(fired.id) - 1) }).where('consumer', '=', 'linkage').execute();
    await p.app.platform.linkage.processPending();
    expect(await firings()).toHaveLength(1);
    expect(await p.app.platform.database.db.selectFrom('notifications').select('id').where('kind', '=', 'linkage.fired').execute()).toHaveLength(1);
    expect((await company.admin.get(`/api/webhooks/${hookId}/deliveries`)).body.total).toBe(1);
  });
});
