/**
 * Webhook endpoints of a company (secret sealed) and their deliveries: one row per (endpoint,
 * event key), claimed before each attempt so that two workers never send one delivery at once.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/executor';

export interface WebhookEndpointRecord {
  id: string;
  companyId: string;
  name: string;
  url: string;
  types: string[];
  enabled: boolean;
  createdAt: Date;
}

export interface WebhookDeliveryRecord {
  id: string;
  endpointId: string;
  eventKey: string;
  eventType: string;
  payload: Record<string, unknown>;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

const ENDPOINT = ['id', 'company_id as companyId', 'name', 'url', 'types', 'enabled', 'created_at as createdAt'] as const;
const DELIVERY = ['id', 'endpoint_id as endpointId', 'event_key as eventKey', 'event_type as eventType', 'payload', 'status', 'attempts', 'last_status_code as lastStatusCode', 'last_error as lastError', 'next_attempt_at as nextAttemptAt', 'delivered_at as deliveredAt', 'created_at as createdAt'] as const;

export class WebhookRepository {
  constructor(private readonly db: Executor) {}

  async endpoints(companyId: string): Promise<WebhookEndpointRecord[]> {
    return this.db.selectFrom('webhook_endpoints').select(ENDPOINT).where('company_id', '=', companyId).orderBy('created_at').orderBy('id').execute();
  }

  async find(id: string): Promise<(WebhookEndpointRecord & { secretSealed: string }) | undefined> {
    return this.db.selectFrom('webhook_endpoints').select([...ENDPOINT, 'secret_sealed as secretSealed']).where('id', '=', id).executeTakeFirst();
  }

  async create(e: { companyId: string; name: string; url: string; secretSealed: string; types: string[]; now: Date }): Promise<WebhookEndpointRecord> {
    return this.db
      .insertInto('webhook_endpoints')
      .values({ company_id: e.companyId, name: e.name, url: e.url, secret_sealed: e.secretSealed, types: JSON.stringify(e.types), created_at: e.now })
      .returning(ENDPOINT)
      .executeTakeFirstOrThrow();
  }

  async setSecret(id: string, secretSealed: string): Promise<void> {
    await this.db.updateTable('webhook_endpoints').set({ secret_sealed: secretSealed }).where('id', '=', id).execute();
  }

  async update(id: string, e: { name: string; url: string; types: string[]; enabled: boolean }): Promise<WebhookEndpointRecord> {
    return this.db.updateTable('webhook_endpoints').set({ name: e.name, url: e.url, types: JSON.stringify(e.types), enabled: e.enabled }).where('id', '=', id).returning(ENDPOINT).executeTakeFirstOrThrow();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
  }

  /** Queues one delivery per (endpoint, event key): a second call with the same key adds nothing. Returns the new ids. */
  async enqueue(rows: Array<{ endpointId: string; eventKey: string; eventType: string; payload: Record<string, unknown> }>): Promise<string[]> {
    if (rows.length === 0) return [];
    const out = await this.db
      .insertInto('webhook_deliveries')
      .values(rows.map((r) => ({ endpoint_id: r.endpointId, event_key: r.eventKey, event_type: r.eventType, payload: JSON.stringify(r.payload) })))
      .onConflict((oc) => oc.constraint('webhook_deliveries_once').doNothing())
      .returning('id')
      .execute();
    return out.map((r) => r.id);
  }

  /**
   * Claims a delivery for one attempt until `leaseUntil`: only when it is due (pending, retrying and
   * due, or a claim that ran out — the node sending it died). Undefined: not due, or delivered.
   */
  async claim(id: string, now: Date, leaseUntil: Date): Promise<WebhookDeliveryRecord | undefined> {
    return this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'sending', next_attempt_at: leaseUntil })
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'retrying', 'sending'])
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
      .returning(DELIVERY)
      .executeTakeFirst();
  }

  /** Retention: finished deliveries (delivered, failed) written before `before`. Returns rows deleted. */
  async trimFinished(before: Date): Promise<number> {
    const r = await this.db.deleteFrom('webhook_deliveries').where('status', 'in', ['delivered', 'failed']).where('created_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async recordAttempt(id: string, a: { status: 'delivered' | 'retrying' | 'failed'; attempts: number; statusCode: number | null; error: string | null; nextAttemptAt: Date | null; deliveredAt: Date | null }): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status: a.status, attempts: a.attempts, last_status_code: a.statusCode, last_error: a.error, next_attempt_at: a.nextAttemptAt, delivered_at: a.deliveredAt })
      .where('id', '=', id)
      .execute();
  }

  /** Deliveries due now (never attempted, a retry whose time came, or a claim that ran out). */
  async due(now: Date, limit: number): Promise<Array<{ id: string; nextAttemptAt: Date | null }>> {
    return this.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'next_attempt_at as nextAttemptAt'])
      .where('status', 'in', ['pending', 'retrying', 'sending'])
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
      .orderBy('created_at')
      .limit(limit)
      .execute();
  }

  async deliveries(endpointId: string, page: number, pageSize: number): Promise<{ items: WebhookDeliveryRecord[]; total: number }> {
    const [items, n] = await Promise.all([
      this.db.selectFrom('webhook_deliveries').select(DELIVERY).where('endpoint_id', '=', endpointId).orderBy('created_at', 'desc').orderBy('id').limit(pageSize).offset((page - 1) * pageSize).execute(),
      this.db.selectFrom('webhook_deliveries').select(sql<string>`count(*)`.as('n')).where('endpoint_id', '=', endpointId).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(n.n) };
  }

  async delivery(id: string): Promise<WebhookDeliveryRecord | undefined> {
    return this.db.selectFrom('webhook_deliveries').select(DELIVERY).where('id', '=', id).executeTakeFirst();
  }
}
