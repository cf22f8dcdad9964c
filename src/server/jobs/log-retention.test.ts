/**
 * Delivery-log retention on the real database (issue 15): finished e-mails, webhook deliveries and
 * linkage firings older than the retention are deleted; newer ones, and old ones still pending or
 * retrying, stay.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { buildSite, type TestCompany } from '../../../test/helpers/factories';
import type { Clock } from '../lib/clock';
import { LogRetention } from './log-retention';

let p: TestPlatform;
let company: TestCompany;
usePlatformWithCompany((fx) => ({ p, company } = fx));

const DAY = 86_400_000;
const at = (now: Date): Clock => ({ now: () => now });

describe('delivery-log retention', () => {
  it('trims finished rows older than the retention, keeps newer and unfinished ones', async () => {
    const db = p.app.platform.database.db;
    const now = new Date();
    const old = new Date(now.getTime() - 40 * DAY);
    const recent = new Date(now.getTime() - 2 * DAY);
    const site = await buildSite(company, 'Retention');

    const email = (state: string, at: Date) => ({ id: randomUUID(), company_id: company.companyId, user_id: null, kind: 'test', dedupe_key: randomUUID(), ref_id: null, recipient: 'x@example.test', subject: 's', body_sealed: 'v1.x', state, created_at: at });
    await db.insertInto('email_deliveries').values([email('sent', old), email('failed', old), email('cancelled', old), email('retrying', old), email('sent', recent)]).execute();

    const endpoint = await db.insertInto('webhook_endpoints').values({ company_id: company.companyId, name: 'R', url: 'https://hooks.example.test/r', secret_sealed: 'v1.x', types: JSON.stringify([]) }).returning('id').executeTakeFirstOrThrow();
    const hook = (status: string, at: Date) => ({ endpoint_id: endpoint.id, event_key: randomUUID(), event_type: 'test', payload: JSON.stringify({}), status, created_at: at });
    await db.insertInto('webhook_deliveries').values([hook('delivered', old), hook('failed', old), hook('retrying', old), hook('delivered', recent)]).execute();

    const rule = await db
      .insertInto('linkage_rules')
      .values({ company_id: company.companyId, site_id: site.id, name: 'R', template: null, event_type: 'offline', source_device_id: randomUUID(), source_channel: null, source_zone: null, conditions: JSON.stringify({}), actions: JSON.stringify([]), created_by: null, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const firing = (state: string, at: Date, eventId: number) => ({ rule_id: rule.id, company_id: company.companyId, site_id: site.id, event_id: String(eventId), event_type: 'offline', actions: JSON.stringify([]), state, fired_at: at });
    await db.insertInto('linkage_firings').values([firing('done', old, 1), firing('pending', old, 2), firing('done', recent, 3)]).execute();

    const trimmed = await new LogRetention(p.app.platform.uow, at(now), 30).trim();
    expect(trimmed).toEqual({ email: 3, webhooks: 2, firings: 1 });
    expect((await db.selectFrom('email_deliveries').select('state').where('company_id', '=', company.companyId).orderBy('state').execute()).map((r) => r.state)).toEqual(['retrying', 'sent']);
    expect((await db.selectFrom('webhook_deliveries').select('status').where('endpoint_id', '=', endpoint.id).orderBy('status').execute()).map((r) => r.status)).toEqual(['delivered', 'retrying']);
    expect((await db.selectFrom('linkage_firings').select('state').where('rule_id', '=', rule.id).orderBy('state').execute()).map((r) => r.state)).toEqual(['done', 'pending']);
    // Nothing more the second time.
    expect(await new LogRetention(p.app.platform.uow, at(now), 30).trim()).toEqual({ email: 0, webhooks: 0, firings: 0 });
  });
});
