/**
 * Progress streams under a hostile signed-in user (issue 13), over real sockets: streams are capped
 * per user (429 with Retry-After) but not at other users' expense; changes reach open streams from
 * the node's one listener (the job's, and another node's on the same database); a stream ends with
 * its reason when its session ends or its user is unassigned from the site. Every probe waits for
 * the event it expects; nothing here sleeps and then asserts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse, type SseEvent } from '../../src/cli/sse';
import { OnboardingRepository } from '../../src/server/onboarding/onboarding.repository';
import type { Probe } from '../../src/server/onboarding/probe';
import type { ApiClient } from '../helpers/api';
import { buildInstaller, buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { randomBytes } from 'node:crypto';

const SECRET_KEY = randomBytes(32).toString('hex');

const PER_USER = 2;
/** Longer than any wait here: only the node's listener can change or end a stream. */
const NEVER_SECONDS = 3600;
let p: TestPlatform;
let company: TestCompany;

beforeAll(async () => {
  // On PostgreSQL, changes and access changes must come through LISTEN/NOTIFY: the periodic check
  // never runs during a test. The embedded database delivers no NOTIFY: its streams see access
  // changes at the periodic check, here every second (changes come from the shared poller).
  const accessCheckSeconds = process.env.DATABASE_URL ? NEVER_SECONDS : 1;
  p = await startTestPlatform({ listen: true, config: { progressStreamsPerUser: PER_USER, progressAccessCheckSeconds: accessCheckSeconds, secretKeyHex: SECRET_KEY } });
  company = await setupCompany(p.app, p.setupToken);
});
afterAll(async () => p?.close());

/** A batch of one queued device at a port where nothing listens, written straight to the database. */
async function queuedBatch(siteId: string, platform = p): Promise<{ batchId: string; itemId: string }> {
  const repo = new OnboardingRepository(platform.app.platform.database.db);
  const scanId = randomUUID();
  const candidateId = randomUUID();
  const batchId = randomUUID();
  const itemId = randomUUID();
  await repo.createScan({ id: scanId, companyId: company.companyId, siteId, createdBy: company.adminId, kind: 'device-list', summary: { kind: 'device-list' } });
  await repo.addCandidates([{ id: candidateId, scanId, position: 0, serial: null, name: 'Gate', host: '127.0.0.1', port: 9, secretsSealed: null, probe: {} as Probe }]);
  await repo.createBatch({ id: batchId, companyId: company.companyId, siteId, scanId, key: `key-${batchId}`, createdBy: company.adminId });
  await repo.addItems([{ id: itemId, batchId, candidateId, siteId, serial: null, secretsSealed: null }]);
  return { batchId, itemId };
}

interface Stream {
  status: number;
  headers: Headers;
  body: unknown;
  /** The next event of this kind (and matching `where`) not taken yet; fails after `timeoutMs`. */
  next(event: string, where?: (data: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): void;
}

/** Opens a follow stream as this client (its session cookie) on this platform. */
async function openStream(client: ApiClient, batchId: string, platform = p): Promise<Stream> {
  const gone = new AbortController();
  const res = await fetch(`${platform.baseUrl}/api/batches/${batchId}/events?follow=true`, { headers: { cookie: client.cookie ?? '' }, signal: gone.signal });
  const events: SseEvent[] = [];
  let arrived: () => void = () => undefined;
  let ended = false;
  if (res.ok && res.body) {
    void (async () => {
      try {
        for await (const ev of readSse(res.body as AsyncIterable<Uint8Array>)) {
          events.push(ev);
          arrived();
        }
      } catch {
        // closed by the test
      }
      ended = true;
      arrived();
    })();
  }
  const taken = new Set<SseEvent>();
  return {
    status: res.status,
    headers: res.headers,
    body: res.ok ? undefined : await res.json(),
    async next(event, where = () => true, timeoutMs = 20_000) {
      const timer = setTimeout(() => arrived(), timeoutMs);
      const deadline = Date.now() + timeoutMs;
      try {
        for (;;) {
          const hit = events.find((e) => !taken.has(e) && e.event === event && where(JSON.parse(e.data)));
          if (hit) {
            taken.add(hit);
            return JSON.parse(hit.data);
          }
          if (ended || Date.now() >= deadline) throw new Error(`no ${event} event (stream ${ended ? 'ended' : 'open'}; got ${events.map((e) => `${e.event}:${e.data}`).join(' | ')})`);
          await new Promise<void>((resolve) => (arrived = resolve));
        }
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => gone.abort(),
  };
}

describe('progress streams', () => {
  it("the (cap+1)th stream of one user gets 429 PROGRESS_STREAMS_LIMIT with Retry-After; another user still opens one; closing one frees a slot", async () => {
    const site = await buildSite(company);
    const { batchId } = await queuedBatch(site.id);
    const ivan = await buildInstaller(p.app, company, 'manage_all');
    const mine = [];
    for (let i = 0; i < PER_USER; i++) mine.push(await openStream(ivan.client, batchId));
    expect(mine.map((s) => s.status)).toEqual(Array(PER_USER).fill(200));
    const refused = await openStream(ivan.client, batchId);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: 'PROGRESS_STREAMS_LIMIT', details: { scope: 'user', limit: PER_USER } } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const other = await openStream(company.admin, batchId);
    expect(other.status).toBe(200);
    await other.next('batch');
    // The server counts a stream until it notices the client left: wait for the slot, do not sleep.
    mine[0]!.close();
    let again = await openStream(ivan.client, batchId);
    while (again.status === 429) again = await openStream(ivan.client, batchId);
    expect(again.status).toBe(200);
    for (const s of [...mine, other, again]) s.close();
  });

  it('a change made by the job reaches an open stream', async () => {
    const site = await buildSite(company);
    const { batchId, itemId } = await queuedBatch(site.id);
    const s = await openStream(company.admin, batchId);
    expect((await s.next('item')).state).toBe('queued');
    await p.app.platform.jobs.send('onboarding.device', { itemId });
    // The job claims the device (running) and then records how it went: a state other than queued.
    const changed = await s.next('item', (it) => it.state !== 'queued');
    expect(changed.id).toBe(itemId);
    s.close();
  });

  it('signing out ends the stream with reason signed_out', async () => {
    const site = await buildSite(company);
    const { batchId } = await queuedBatch(site.id);
    const ivan = await buildInstaller(p.app, company, 'manage_all');
    const s = await openStream(ivan.client, batchId);
    await s.next('batch');
    expect((await ivan.client.post('/api/auth/logout')).status).toBeLessThan(300);
    expect(await s.next('end')).toMatchObject({ batchId, reason: 'signed_out' });
  });

  it("unassigning the installer from the site ends the stream with reason access_lost; the admin's stream goes on", async () => {
    const site = await buildSite(company);
    const { batchId, itemId } = await queuedBatch(site.id);
    const ivan = await buildInstaller(p.app, company, 'manage_assigned');
    expect((await company.admin.put(`/api/sites/${site.id}/installers`, { installerIds: [ivan.id] })).status).toBe(200);
    const s = await openStream(ivan.client, batchId);
    const admins = await openStream(company.admin, batchId);
    await s.next('batch');
    expect((await company.admin.put(`/api/sites/${site.id}/installers`, { installerIds: [] })).status).toBe(200);
    expect(await s.next('end')).toMatchObject({ batchId, reason: 'access_lost' });
    // The admin still sees the site: a later change still reaches their stream.
    await new OnboardingRepository(p.app.platform.database.db).finish(itemId, { state: 'failed', step: 'probing', error: { code: 'DEVICE_UNREACHABLE', message: 'm', hint: 'h' } }, new Date());
    expect(await admins.next('end')).toMatchObject({ reason: 'done' });
  });
});

describe.runIf(process.env.DATABASE_URL)('two nodes on one PostgreSQL', () => {
  // The stream is on the second node, whose periodic check never runs during a test: what ends or
  // changes it can only come from the first node through LISTEN/NOTIFY.
  let second: TestPlatform;
  beforeAll(async () => {
    // Nodes of one database share its SECRET_KEY (a node with another key refuses to start).
    second = await startTestPlatform({ listen: true, config: { databaseUrl: p.config.databaseUrl, progressAccessCheckSeconds: NEVER_SECONDS, secretKeyHex: SECRET_KEY } });
  });
  afterAll(async () => second?.close());

  it("a change made by the first node's job reaches the second node's stream", async () => {
    const site = await buildSite(company);
    const { batchId, itemId } = await queuedBatch(site.id);
    const s = await openStream(company.admin, batchId, second);
    expect((await s.next('item')).state).toBe('queued');
    await p.app.platform.onboarding.job.runItem(itemId);
    expect(await s.next('item', (it) => it.state !== 'queued' && it.state !== 'running')).toMatchObject({ id: itemId });
    s.close();
  });

  it("signing out on the first node ends the second node's stream at once", async () => {
    const site = await buildSite(company);
    const { batchId } = await queuedBatch(site.id);
    const ivan = await buildInstaller(p.app, company, 'manage_all');
    const s = await openStream(ivan.client, batchId, second);
    await s.next('batch');
    expect((await ivan.client.post('/api/auth/logout')).status).toBeLessThan(300);
    expect(await s.next('end', undefined, 15_000)).toMatchObject({ reason: 'signed_out' });
  });

  it("unassigning on the first node ends the second node's stream at once", async () => {
    const site = await buildSite(company);
    const { batchId } = await queuedBatch(site.id);
    const ivan = await buildInstaller(p.app, company, 'manage_assigned');
    expect((await company.admin.put(`/api/sites/${site.id}/installers`, { installerIds: [ivan.id] })).status).toBe(200);
    const s = await openStream(ivan.client, batchId, second);
    await s.next('batch');
    expect((await company.admin.put(`/api/sites/${site.id}/installers`, { installerIds: [] })).status).toBe(200);
    expect(await s.next('end', undefined, 15_000)).toMatchObject({ reason: 'access_lost' });
  });
});
