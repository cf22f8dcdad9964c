/**
 * GET /api/notifications/events over a real socket: a user's new notification arrives on their
 * stream, another user's never does, what was already in the inbox is not sent again, and the
 * stream ends with `signed_out` when its session ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse, type SseEvent } from '../../src/cli/sse';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import type { ApiClient } from '../helpers/api';
import { buildInstaller, buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually } from '../helpers/wait';
import { DOMAIN_EVENT_TYPES, type ItemSettledPayload } from '../../src/server/events/domain-events';

let p: TestPlatform;
let company: TestCompany;
let site: { id: string; name: string };

beforeAll(async () => {
  // On PostgreSQL sign-out reaches a stream through the node's listener (the periodic check never
  // runs here); the embedded database delivers no NOTIFY, so there the check runs every second.
  p = await startTestPlatform({ listen: true, config: { progressAccessCheckSeconds: process.env.DATABASE_URL ? 3600 : 1 } });
  company = await setupCompany(p.app, p.setupToken);
  site = await buildSite(company, 'Harbour office');
});
afterAll(async () => p?.close());

/** A waiting device settled for `userId`: the dispatcher turns it into one notification. */
async function notify(userId: string, name: string): Promise<void> {
  const payload: ItemSettledPayload = { batchId: crypto.randomUUID(), itemId: crypto.randomUUID(), siteId: site.id, serial: 'DS7788', name, state: 'added', deviceId: null, error: null, notifyUserId: userId };
  await p.app.platform.uow.tx((r) => r.events.append(company.companyId, DOMAIN_EVENT_TYPES.itemSettled, payload));
  await p.app.platform.notifications.dispatchPending();
}

interface Stream {
  status: number;
  events: SseEvent[];
  ended: () => boolean;
  close(): void;
}

async function open(client: ApiClient): Promise<Stream> {
  const gone = new AbortController();
  const res = await fetch(`${p.baseUrl}/api/notifications/events`, { headers: { cookie: client.cookie ?? '' }, signal: gone.signal });
  const events: SseEvent[] = [];
  let ended = false;
  if (res.ok && res.body) {
    void (async () => {
      try {
        for await (const ev of readSse(res.body as AsyncIterable<Uint8Array>)) events.push(ev);
      } catch {
        // closed by the test
      }
      ended = true;
    })();
  }
  return { status: res.status, events, ended: () => ended, close: () => gone.abort() };
}

const titles = (s: Stream) => s.events.filter((e) => e.event === 'notification').map((e) => (JSON.parse(e.data) as { body: string }).body);

describe('live notifications', () => {
  it("a new notification arrives on its user's stream only; the inbox's older ones are not sent again", async () => {
    const ann = await buildInstaller(p.app, company, 'manage_all');
    const bob = await buildInstaller(p.app, company, 'manage_all');
    await notify(ann.id, 'Old camera');
    await eventually(async () => (await ann.client.get('/api/notifications/counts')).body.total === 1 || undefined, 'the older notification');

    const annStream = await open(ann.client);
    const bobStream = await open(bob.client);
    expect(annStream.status).toBe(200);
    await eventually(() => annStream.events.some((e) => e.event === 'ready') && bobStream.events.some((e) => e.event === 'ready'), 'both streams ready');
    expect(JSON.parse(annStream.events[0]!.data)).toEqual({ total: 1, unread: 1 });

    await notify(bob.id, 'Bob camera');
    await eventually(() => titles(bobStream).some((t) => t.includes('Bob camera')), "Bob's notification on Bob's stream");
    await notify(ann.id, 'Ann camera');
    await eventually(() => titles(annStream).some((t) => t.includes('Ann camera')), "Ann's notification on Ann's stream");
    await eventually(() => annStream.events.some((e) => e.event === 'counts' && (JSON.parse(e.data) as { unread: number }).unread === 2), "Ann's counts");

    const ann1 = titles(annStream);
    expect(ann1).toHaveLength(1); // neither the older one nor Bob's
    expect(ann1[0]).toContain('Ann camera');
    expect(titles(bobStream).filter((t) => t.includes('Ann camera'))).toEqual([]);
    annStream.close();
    bobStream.close();
  });

  it('ends with signed_out when its session ends; anonymous callers are refused', async () => {
    const cid = await buildInstaller(p.app, company, 'manage_assigned');
    const s = await open(cid.client);
    await eventually(() => s.events.some((e) => e.event === 'ready'), 'ready');
    expect((await cid.client.post('/api/auth/logout', {})).status).toBeLessThan(300);
    await eventually(() => s.ended() || undefined, 'the stream to end', 15_000);
    expect(s.events.at(-1)).toMatchObject({ event: 'end' });
    expect(JSON.parse(s.events.at(-1)!.data)).toEqual({ reason: 'signed_out' });

    const anon = await fetch(`${p.baseUrl}/api/notifications/events`);
    expect(anon.status).toBe(401);
    await anon.body?.cancel();
  });
});
