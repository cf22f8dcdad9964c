import { beforeAll, describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { ApiClient } from '../../../test/helpers/api';
import { buildInstaller, buildOtherCompany, buildSite, type TestCompany } from '../../../test/helpers/factories';
import { DOMAIN_EVENT_TYPES, type ItemSettledPayload } from '../events/domain-events';
import { eventually } from '../../../test/helpers/wait';

let p: TestPlatform;
let company: TestCompany;
let site: { id: string; name: string };

usePlatformWithCompany((fx) => ({ p, company } = fx));
beforeAll(async () => {
  site = await buildSite(company, 'Harbour office');
});

/**
 * Dispatches, then waits until `client` sees `total` notifications: the platform's own sweep may
 * hold the events (locked, skipped by our call) at the moment we dispatch.
 */
async function dispatchedTo(client: ApiClient, total: number): Promise<void> {
  await p.app.platform.notifications.dispatchPending();
  await eventually(async () => (await client.get('/api/notifications/counts')).body.total === total || undefined, `${total} notifications`);
}

/** What the onboarding service writes when a waiting device settles. */
async function settled(companyId: string, payload: Partial<ItemSettledPayload>): Promise<void> {
  const full: ItemSettledPayload = { batchId: crypto.randomUUID(), itemId: crypto.randomUUID(), siteId: site.id, serial: 'DS7788', name: 'Lobby camera', state: 'added', deviceId: null, error: null, notifyUserId: null, ...payload };
  await p.app.platform.uow.tx((r) => r.events.append(companyId, DOMAIN_EVENT_TYPES.itemSettled, full));
}

describe('notifications', () => {
  it('dispatch turns events into notifications for their installer, once, however often it runs', async () => {
    const inst = await buildInstaller(p.app, company, 'manage_all');
    await settled(company.companyId, { notifyUserId: inst.id });
    await settled(company.companyId, { notifyUserId: inst.id, state: 'failed', error: { code: 'ONBOARDING_EXPIRED', message: 'expired', hint: 'Scan again.' } });
    const svc = p.app.platform.notifications;
    // The platform's own sweep dispatches too (every second in tests): several at once, then again.
    await Promise.all([svc.dispatchPending(), svc.dispatchPending(), svc.dispatchPending()]);
    await dispatchedTo(inst.client, 2);
    expect(await svc.dispatchPending()).toBe(0);
    const list = await inst.client.get('/api/notifications');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 2, unread: 2, page: 1 });
    expect(list.body.items.map((n: { kind: string }) => n.kind).sort()).toEqual(['device.online_added', 'onboarding.expired']);
    expect(list.body.items[0].body).toContain('Harbour office');
    // The admin's inbox is separate.
    expect((await company.admin.get('/api/notifications')).body.total).toBe(0);
  });

  it('marking read: one, then all; counts follow; unreadOnly filters', async () => {
    const inst = await buildInstaller(p.app, company, 'manage_assigned');
    for (let i = 0; i < 3; i++) await settled(company.companyId, { notifyUserId: inst.id, name: `Cam ${i}` });
    await dispatchedTo(inst.client, 3);
    const first = (await inst.client.get('/api/notifications')).body.items[0];
    expect((await inst.client.post(`/api/notifications/${first.id}/read`, {})).status).toBe(204);
    expect((await inst.client.get('/api/notifications/counts')).body).toEqual({ total: 3, unread: 2 });
    const unread = await inst.client.get('/api/notifications?unreadOnly=true');
    expect(unread.body.total).toBe(2);
    expect(unread.body.items.map((n: { id: string }) => n.id)).not.toContain(first.id);
    const read = (await inst.client.get('/api/notifications')).body.items.find((n: { id: string }) => n.id === first.id);
    expect(read.readAt).not.toBeNull();
    expect((await inst.client.post('/api/notifications/read-all', {})).body).toEqual({ updated: 2 });
    expect((await inst.client.get('/api/notifications/counts')).body).toEqual({ total: 3, unread: 0 });
  });

  it("nobody can read or mark someone else's notification", async () => {
    const owner = await buildInstaller(p.app, company, 'manage_all');
    const colleague = await buildInstaller(p.app, company, 'manage_all');
    const other = await buildOtherCompany(p.app);
    await settled(company.companyId, { notifyUserId: owner.id });
    await dispatchedTo(owner.client, 1);
    const n = (await owner.client.get('/api/notifications')).body.items[0];
    for (const c of [colleague.client, other.admin, company.admin]) {
      const r = await c.post(`/api/notifications/${n.id}/read`, {});
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('NOTIFICATION_NOT_FOUND');
      expect((await c.get('/api/notifications')).body.items.map((x: { id: string }) => x.id)).not.toContain(n.id);
    }
    expect((await owner.client.get('/api/notifications/counts')).body.unread).toBe(1);
    expect((await new ApiClient(p.app).get('/api/notifications')).status).toBe(401);
  });

  it('a recipient removed (or of another company) is skipped without blocking the events behind it', async () => {
    const gone = await buildInstaller(p.app, company, 'manage_all');
    const stays = await buildInstaller(p.app, company, 'manage_all');
    const other = await buildOtherCompany(p.app);
    expect((await company.admin.request('DELETE', `/api/installers/${gone.id}`)).status).toBe(204);
    await settled(company.companyId, { notifyUserId: gone.id });
    await settled(company.companyId, { notifyUserId: other.adminId }); // wrong company: never delivered
    await settled(company.companyId, { notifyUserId: stays.id });
    await dispatchedTo(stays.client, 1);
    expect((await stays.client.get('/api/notifications/counts')).body).toEqual({ total: 1, unread: 1 });
    // Every event is done with (the two undeliverable ones too), whichever dispatcher took them.
    const db = p.app.platform.database.db;
    await eventually(async () => (await db.selectFrom('domain_events').select('id').where('notified_at', 'is', null).execute()).length === 0 || undefined, 'all events dispatched');
    expect((await other.admin.get('/api/notifications/counts')).body).toEqual({ total: 0, unread: 0 });
  });
});
