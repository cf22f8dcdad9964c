/**
 * E-mail through a real SMTP server (smtp-server, in-process on loopback, with a user name and
 * password): an HDD fault on an emulated NVR e-mails each recipient exactly once; an SMTP server
 * that refuses twice (451) receives the e-mail once, after retries; a site invitation e-mails the
 * customer a link that works; a cancelled invitation's e-mail is not sent. Neither the SMTP
 * password nor an invitation token reaches the log.
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { ApiClient } from '../helpers/api';
import { buildInstaller, buildSite, setupCompany, TEST_PASSWORD, type TestCompany } from '../helpers/factories';
import { eventually, startFleetFor } from '../helpers/fleet';
import { DOMAIN_EVENT_TYPES, type HealthSummaryPayload } from '../../src/server/events/domain-events';

const SMTP_USER = 'alerts';
const SMTP_PASSWORD = 'Smtp-s3cret-9f2a';

interface Received {
  to: string;
  subject: string;
  text: string;
  messageId: string;
}

let p: TestPlatform;
let company: TestCompany;
let fleet: Fleet;
let siteId: string;
let smtp: SMTPServer;
const received: Received[] = [];
let refuseNext = 0;
let refused = 0;
const logs: string[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) cb(null, { user: auth.username });
      else cb(new Error('Invalid user name or password'));
    },
    onData(stream, _session, cb) {
      simpleParser(stream).then((mail) => {
        if (refuseNext > 0) {
          refuseNext--;
          refused++;
          return cb(Object.assign(new Error('Greylisted, try again later'), { responseCode: 451 }));
        }
        const to = Array.isArray(mail.to) ? mail.to.flatMap((a) => a.value) : (mail.to?.value ?? []);
        for (const a of to) received.push({ to: a.address ?? '', subject: mail.subject ?? '', text: mail.text ?? '', messageId: mail.messageId ?? '' });
        cb();
      }, (err: Error) => cb(err));
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  const port = (smtp.server.address() as AddressInfo).port;
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { logs.push(chunk.toString()); done(); } });
  p = await startTestPlatform({
    logger: pino({ level: 'debug' }, sink),
    config: {
      healthPollSeconds: 1, healthOfflineGraceSeconds: 2, healthPollConcurrency: 4, exceptionsPollMs: 200, stormWindowSeconds: 0, stormMinDevices: 5,
      smtpUrl: `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${port}`, smtpFrom: 'Sitekeeper <alerts@sitekeeper.test>', smtpRetryBaseSeconds: 1, smtpTimeoutSeconds: 5,
    },
  });
  company = await setupCompany(p.app, p.setupToken);
  siteId = (await buildSite(company, 'Harbour')).id;
  fleet = await startFleetFor(p, [{ type: 'nvr', cloudEnabled: false, hdds: 2 }]);
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
});

async function insertDirect(d: VirtualDevice): Promise<string> {
  const desc = fleet.describe(d);
  const creds = p.app.platform.secrets.seal(JSON.stringify({ user: desc.adminUser, password: desc.adminPassword }), `device:${desc.serial}`);
  const r = await p.app.platform.database.db
    .insertInto('devices')
    .values({
      company_id: company.companyId, site_id: siteId, serial: desc.serial, name: 'Harbour NVR', type: desc.type, model: desc.model,
      added_via: 'direct', host: desc.host, port: desc.httpPort, credentials_sealed: creds, verification_code_sealed: null, added_by: null, firmware_compatible: true, status: 'online',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

const mailsTo = (address: string, subject: RegExp) => received.filter((m) => m.to === address && subject.test(m.subject));
const deliveries = async (kind: string) => p.app.platform.database.db.selectFrom('email_deliveries').select(['id', 'recipient', 'state', 'attempts', 'last_error as lastError', 'body_sealed as bodySealed']).where('kind', '=', kind).orderBy('created_at').execute();

/** A site's devices going offline (or back) together, as the health recorder writes it: summaries and their events. */
async function siteChanged(site: string, ids: string[], state: 'offline' | 'healthy'): Promise<void> {
  const offline: HealthSummaryPayload = { state: 'offline', reasons: [{ code: 'offline', severity: 'fault', message: 'The device does not answer.' }] };
  const healthy: HealthSummaryPayload = { state: 'healthy', reasons: [] };
  const [old, next] = state === 'offline' ? [healthy, offline] : [offline, healthy];
  await p.app.platform.uow.tx(async (r) => {
    for (const id of ids) await r.events.append(company.companyId, DOMAIN_EVENT_TYPES.deviceHealthChanged, { deviceId: id, siteId: site, serial: id, old, new: next, at: new Date().toISOString() });
  });
  await p.app.platform.database.db.updateTable('device_health').set({ state: next.state, reasons: JSON.stringify(next.reasons) }).where('device_id', 'in', ids).execute();
}

describe('e-mail through SMTP', () => {
  let installer: Awaited<ReturnType<typeof buildInstaller>>;
  let recipients: string[];

  it('an HDD failure e-mails each recipient of the rule exactly once', async () => {
    installer = await buildInstaller(p.app, company, 'manage_all');
    recipients = [company.adminEmail, installer.email];
    const nvr = fleet.devices[0]!;
    const id = await insertDirect(nvr);
    await eventually(async () => (await company.admin.get(`/api/devices/${id}/health`)).body.state === 'healthy', 'healthy first');
    await fleet.applyFaults(nvr.serial, { hdd: 'failed', hddId: 1 });
    for (const to of recipients) await eventually(() => mailsTo(to, /disk error/).length === 1, `e-mail to ${to}`);
    // Later polls (the fault stays), consumer runs and sweeps add nothing.
    const poller = p.app.platform.healthPoller;
    const before = poller.stats(id).polls;
    await eventually(() => poller.stats(id).polls >= before + 2, 'two more polls');
    await p.app.platform.exceptions.processPending();
    await p.app.platform.email.sweep();
    for (const to of recipients) {
      const mails = mailsTo(to, /disk error/);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toMatch(/^Sitekeeper: Harbour NVR at Harbour: disk error/);
      expect(mails[0]!.text).toContain(`${p.config.publicUrl}/devices/${id}`);
    }
    const rows = await deliveries('exception');
    expect(rows.map((r) => [r.recipient, r.state, r.attempts]).sort()).toEqual(recipients.map((r) => [r, 'sent', 1]).sort());
    // The body is sealed at rest.
    expect(rows[0]!.bodySealed).toMatch(/^v1\./);
    // The delivery log, for installer admins.
    const log = await company.admin.get('/api/email/deliveries');
    expect(log.status).toBe(200);
    expect(log.body.items.filter((i: { kind: string }) => i.kind === 'exception')).toHaveLength(2);
    expect((await installer.client.get('/api/email/deliveries')).status).toBe(403);
    expect((await installer.client.get('/api/email/status')).body).toEqual({ configured: true, from: 'Sitekeeper <alerts@sitekeeper.test>' });
  });

  it('a site going dark: one grouped alert e-mail per recipient, then one recovery (storm control)', async () => {
    const dark = await buildSite(company, 'Warehouse');
    const db = p.app.platform.database.db;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const d = await db.insertInto('devices').values({ company_id: company.companyId, site_id: dark.id, serial: `DS-MAIL${Date.now().toString(36).toUpperCase()}${i}`, name: `Cam ${i}`, type: 'camera', model: 'DS-2CD', added_via: 'direct', host: '127.0.0.1', port: 1, credentials_sealed: null, verification_code_sealed: null, added_by: null, firmware_compatible: true }).returning('id').executeTakeFirstOrThrow();
      await db.insertInto('device_health').values({ device_id: d.id, state: 'healthy', reasons: JSON.stringify([]), monitoring_since: new Date(), updated_at: new Date() }).execute();
      ids.push(d.id);
    }
    await siteChanged(dark.id, ids, 'offline');
    for (const to of recipients) await eventually(() => mailsTo(to, /Warehouse: 6 of 6 devices offline/).length === 1, `grouped alert to ${to}`);
    await siteChanged(dark.id, ids, 'healthy');
    for (const to of recipients) await eventually(() => mailsTo(to, /Warehouse: devices back online/).length === 1, `recovery to ${to}`);
    await p.app.platform.exceptions.processPending();
    await p.app.platform.email.sweep();
    for (const to of recipients) {
      expect(mailsTo(to, /Warehouse/).map((m) => m.subject)).toEqual(['Sitekeeper: Warehouse: 6 of 6 devices offline', 'Sitekeeper: Warehouse: devices back online']);
    }
    // No device-by-device e-mail for the site's devices.
    expect(received.filter((m) => /Cam \d/.test(m.subject))).toEqual([]);
    // Each alert e-mail says how to stop them.
    expect(mailsTo(company.adminEmail, /Warehouse/)[0]!.text).toContain(`E-mail me alerts" on ${p.config.publicUrl}/notifications`);
  });

  it('a user who turned alert e-mails off gets the in-app alert, not the e-mail (audited)', async () => {
    expect((await installer.client.get('/api/notifications/preferences')).body).toEqual({ emailAlerts: true });
    const off = await installer.client.put('/api/notifications/preferences', { emailAlerts: false });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ emailAlerts: false });
    // Someone else's preferences are not reachable: the route only ever touches your own.
    expect((await company.admin.get('/api/notifications/preferences')).body).toEqual({ emailAlerts: true });
    const installerMails = async () => (await deliveries('storm')).filter((r) => r.recipient === installer.email).length;
    const mailsBefore = await installerMails();
    const site = await buildSite(company, 'Annex');
    const db = p.app.platform.database.db;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const d = await db.insertInto('devices').values({ company_id: company.companyId, site_id: site.id, serial: `DS-OPT${Date.now().toString(36).toUpperCase()}${i}`, name: `Annex cam ${i}`, type: 'camera', model: 'DS-2CD', added_via: 'direct', host: '127.0.0.1', port: 1, credentials_sealed: null, verification_code_sealed: null, added_by: null, firmware_compatible: true }).returning('id').executeTakeFirstOrThrow();
      await db.insertInto('device_health').values({ device_id: d.id, state: 'healthy', reasons: JSON.stringify([]), monitoring_since: new Date(), updated_at: new Date() }).execute();
      ids.push(d.id);
    }
    await siteChanged(site.id, ids, 'offline');
    await eventually(() => mailsTo(company.adminEmail, /Annex: 6 of 6 devices offline/).length === 1, 'the admin e-mailed');
    await eventually(async () => ((await installer.client.get('/api/notifications')).body.items as Array<{ title: string }>).some((n) => n.title.startsWith('Annex: 6 of 6')), 'the installer told in the app');
    await p.app.platform.exceptions.processPending();
    await p.app.platform.email.sweep();
    expect(mailsTo(installer.email, /Annex/)).toEqual([]);
    expect(await installerMails()).toBe(mailsBefore);
    const audit = await db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'notification_preferences.update').execute();
    expect(audit).toEqual([{ action: 'notification_preferences.update', details: expect.objectContaining({ old: { emailAlerts: true }, new: { emailAlerts: false } }) }]);
    expect((await installer.client.put('/api/notifications/preferences', { emailAlerts: true })).body).toEqual({ emailAlerts: true });
  });

  it('an SMTP server that refuses twice (451) receives the e-mail once, after two retries', async () => {
    refuseNext = 2;
    refused = 0;
    const r = await company.admin.post('/api/email/test');
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ kind: 'test', recipient: company.adminEmail });
    await eventually(() => mailsTo(company.adminEmail, /test e-mail/).length === 1, 'test e-mail received');
    expect(refused).toBe(2);
    const row = (await deliveries('test')).find((d) => d.id === r.body.id)!;
    expect(row).toMatchObject({ state: 'sent', attempts: 3, lastError: null });
    await p.app.platform.email.sweep();
    await p.app.platform.email.attempt(row.id);
    expect(mailsTo(company.adminEmail, /test e-mail/)).toHaveLength(1);
  });

  it('an e-mail whose job was lost, or whose sending node died (claim ran out), is sent once by the sweep', async () => {
    const email = p.app.platform.email;
    const items = [
      { key: `lost:${Date.now()}`, kind: 'test' as const, companyId: company.companyId, userId: null, to: 'lost-job@example.test', subject: 'Lost job', text: 'queued, never sent' },
      { key: `dead:${Date.now()}`, kind: 'test' as const, companyId: company.companyId, userId: null, to: 'dead-node@example.test', subject: 'Dead node', text: 'claimed by a node that died' },
    ];
    const ids = await p.app.platform.uow.tx(async (r) => email.enqueue(r, items));
    expect(ids).toHaveLength(2);
    // Written again (a consumer batch repeated after a crash): the keys make it nothing new.
    expect(await p.app.platform.uow.tx(async (r) => email.enqueue(r, items))).toEqual([]);
    // The second was claimed by a node that died mid-attempt: its claim has run out.
    await p.app.platform.database.db.updateTable('email_deliveries').set({ state: 'sending', next_attempt_at: new Date(Date.now() - 1000) }).where('id', '=', ids[1]!).execute();
    await email.sweep();
    await eventually(() => mailsTo('lost-job@example.test', /Lost job/).length === 1 && mailsTo('dead-node@example.test', /Dead node/).length === 1, 'both sent by the sweep');
    await email.sweep();
    for (const id of ids) await email.attempt(id);
    expect(mailsTo('lost-job@example.test', /Lost job/)).toHaveLength(1);
    expect(mailsTo('dead-node@example.test', /Dead node/)).toHaveLength(1);
  });

  it('a site invitation e-mails the customer a link that works; resend sends a new one', async () => {
    const site = await buildSite(company, 'Villa');
    const email = `carla-${Date.now()}@example.test`;
    const inv = await company.admin.post(`/api/sites/${site.id}/invitations`, { email });
    expect(inv.status).toBe(201);
    expect(inv.body.email).toBe('queued');
    await eventually(() => mailsTo(email, /invites you/).length === 1, 'invitation e-mail');
    const re = await company.admin.post(`/api/sites/${site.id}/invitations/${inv.body.invitation.id}/resend`);
    expect(re.status).toBe(201);
    await eventually(() => mailsTo(email, /invites you/).length === 2, 'second invitation e-mail');
    const [first, second] = mailsTo(email, /invites you/);
    expect(second!.subject).toBe(`Acme Security invites you to your site Villa on Sitekeeper`);
    expect(first!.text).toContain(inv.body.inviteUrl);
    expect(second!.text).toContain(re.body.inviteUrl);
    const link = /(https?:\/\/\S+\/app\/invite\?token=(\S+))/.exec(second!.text)!;
    expect(link[1]!.startsWith(`${p.config.publicUrl}/app/invite?token=`)).toBe(true);
    const token = decodeURIComponent(link[2]!);
    const anon = new ApiClient(p.app);
    const acc = await anon.post(`/api/site-invitations/${token}/accept`, { name: 'Carla Customer', password: TEST_PASSWORD });
    expect(acc.status, JSON.stringify(acc.body)).toBe(201);
    expect(acc.body.user).toMatchObject({ email, role: 'end_user' });
    // Neither the SMTP password nor an invitation token was logged.
    const all = logs.join('');
    expect(all).not.toContain(SMTP_PASSWORD);
    expect(all).not.toContain(token);
  });

  it('cancelling an invitation stops its e-mail that was not sent yet', async () => {
    refuseNext = 1000;
    const site = await buildSite(company, 'Depot');
    const email = `dora-${Date.now()}@example.test`;
    const inv = await company.admin.post(`/api/sites/${site.id}/invitations`, { email });
    expect(inv.body.email).toBe('queued');
    const rowOf = async () => (await deliveries('site_invitation')).find((d) => d.recipient === email)!;
    await eventually(async () => (await rowOf()).state === 'retrying', 'refused once, retrying');
    expect((await company.admin.delete(`/api/sites/${site.id}/invitations/${inv.body.invitation.id}`)).status).toBe(204);
    refuseNext = 0;
    expect(await rowOf()).toMatchObject({ state: 'cancelled' });
    // An attempt now (the queued retry, or a sweep) sends nothing.
    const row = await rowOf();
    await p.app.platform.email.attempt(row.id);
    await p.app.platform.email.sweep();
    expect(await rowOf()).toMatchObject({ state: 'cancelled' });
    expect(mailsTo(email, /invites you/)).toHaveLength(0);
  });
});
