/**
 * Signed webhooks of a company: endpoints (secret generated here, shown once, sealed at rest with
 * the platform's SecretBox), deliveries with retries and backoff (the `webhooks.deliver` job; each
 * attempt claims the delivery first, so two workers never send it at once, and a claim left by a
 * crashed node runs out and is swept up again), the delivery log, and a test send.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AppError, isAppError } from '../../errors/app-error';
import type { Clock } from '../lib/clock';
import type { UnitOfWork } from '../db/unit-of-work';
import { companyOf, type Actor } from '../auth/actor';
import type { SecretBox } from '../security/secret-box';
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from './webhook.repository';
import type { WebhookSender } from './webhook-sender';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhook } from './webhook-signature';

export interface WebhookSettings {
  maxAttempts: number;
  retryBaseMs: number;
  /** How long one attempt's claim lasts (longer than the request timeout). */
  claimMs: number;
}

export interface EndpointInput {
  name: string;
  url: string;
  types: string[];
  enabled: boolean;
}

const sealLabel = (id: string) => `webhook:${id}`;

export class WebhookService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly secrets: Pick<SecretBox, 'seal' | 'open'>,
    private readonly sender: WebhookSender,
    private readonly settings: WebhookSettings,
    /** Queues an attempt of a delivery (now, or after `delaySeconds`). */
    private readonly queue: (deliveryId: string, delaySeconds: number) => Promise<unknown>,
  ) {}

  async list(actor: Actor): Promise<WebhookEndpointRecord[]> {
    requireAdmin(actor);
    return this.uow.read.webhooks.endpoints(companyOf(actor));
  }

  /** Creates an endpoint; its signing secret is returned this once. */
  async create(actor: Actor, input: EndpointInput): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    requireAdmin(actor);
    await this.sender.check(input.url);
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    return this.uow.tx(async (repos) => {
      // The seal is bound to the endpoint's id: the sealed secret cannot be moved to another endpoint.
      const created = await repos.webhooks.create({ companyId: companyOf(actor), name: input.name, url: input.url, types: input.types, secretSealed: 'pending', now: this.clock.now() });
      await repos.webhooks.setSecret(created.id, this.secrets.seal(secret, sealLabel(created.id)));
      const endpoint = input.enabled ? created : await repos.webhooks.update(created.id, { ...input });
      await repos.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'webhook.create', targetType: 'webhook', targetId: created.id, outcome: 'success', details: { url: input.url } });
      return { endpoint, secret };
    });
  }

  async update(actor: Actor, id: string, input: EndpointInput): Promise<WebhookEndpointRecord> {
    requireAdmin(actor);
    await this.#own(actor, id);
    await this.sender.check(input.url);
    return this.uow.tx(async (repos) => {
      const e = await repos.webhooks.update(id, input);
      await repos.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'webhook.update', targetType: 'webhook', targetId: id, outcome: 'success', details: { url: input.url, enabled: input.enabled } });
      return e;
    });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    requireAdmin(actor);
    await this.#own(actor, id);
    await this.uow.tx(async (repos) => {
      await repos.webhooks.delete(id);
      await repos.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'webhook.delete', targetType: 'webhook', targetId: id, outcome: 'success', details: {} });
    });
  }

  async deliveries(actor: Actor, id: string, page: number, pageSize: number): Promise<{ items: WebhookDeliveryRecord[]; total: number; page: number; pageSize: number }> {
    requireAdmin(actor);
    await this.#own(actor, id);
    return { ...(await this.uow.read.webhooks.deliveries(id, page, pageSize)), page, pageSize };
  }

  /** Sends a `webhook.test` event now (one attempt, no retries) and answers with its log entry. */
  async sendTest(actor: Actor, id: string): Promise<WebhookDeliveryRecord> {
    requireAdmin(actor);
    const e = await this.#own(actor, id);
    const now = this.clock.now();
    const [deliveryId] = await this.uow.read.webhooks.enqueue([{ endpointId: e.id, eventKey: `test:${randomUUID()}`, eventType: 'webhook.test', payload: { event: 'webhook.test', message: 'A test from Sitekeeper.', at: now.toISOString() } }]);
    await this.attempt(deliveryId!, { final: true });
    await this.uow.read.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'webhook.test', targetType: 'webhook', targetId: id, outcome: 'success', details: {} });
    return (await this.uow.read.webhooks.delivery(deliveryId!))!;
  }

  /**
   * One attempt of a delivery (the `webhooks.deliver` job): claims it (nothing to do when it is not
   * due or already delivered), sends it signed, and records the outcome; a failure queues the next
   * attempt after the backoff, until `maxAttempts`.
   */
  async attempt(deliveryId: string, o: { final?: boolean } = {}): Promise<void> {
    const now = this.clock.now();
    const d = await this.uow.read.webhooks.claim(deliveryId, now, new Date(now.getTime() + this.settings.claimMs));
    if (!d) return;
    const e = await this.uow.read.webhooks.find(d.endpointId);
    if (!e) return;
    const attempts = d.attempts + 1;
    const body = JSON.stringify({ id: d.id, type: d.eventType, createdAt: d.createdAt.toISOString(), data: d.payload });
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const secret = this.secrets.open(e.secretSealed, sealLabel(e.id));
      const r = await this.sender.post(e.url, body, {
        [SIGNATURE_HEADER]: signWebhook(secret, body, Math.floor(this.clock.now().getTime() / 1000)),
        [DELIVERY_HEADER]: d.id,
        [EVENT_HEADER]: d.eventType,
      });
      statusCode = r.statusCode;
      if (r.statusCode < 200 || r.statusCode >= 300) error = `HTTP ${r.statusCode}`;
    } catch (err) {
      error = isAppError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
    }
    const at = this.clock.now();
    if (error === null) {
      await this.uow.read.webhooks.recordAttempt(d.id, { status: 'delivered', attempts, statusCode, error: null, nextAttemptAt: null, deliveredAt: at });
      return;
    }
    if (o.final || attempts >= this.settings.maxAttempts || !e.enabled) {
      await this.uow.read.webhooks.recordAttempt(d.id, { status: 'failed', attempts, statusCode, error, nextAttemptAt: null, deliveredAt: null });
      return;
    }
    const delayMs = Math.min(3_600_000, this.settings.retryBaseMs * 2 ** (attempts - 1));
    await this.uow.read.webhooks.recordAttempt(d.id, { status: 'retrying', attempts, statusCode, error, nextAttemptAt: new Date(at.getTime() + delayMs), deliveredAt: null });
    await this.queue(d.id, Math.ceil(delayMs / 1000));
  }

  /** Safety net: queues deliveries that are due but whose job was lost (crash between commit and send, or mid-attempt). */
  async sweep(): Promise<number> {
    const due = await this.uow.read.webhooks.due(this.clock.now(), 500);
    for (const d of due) await this.queue(d.id, 0);
    return due.length;
  }

  async #own(actor: Actor, id: string): Promise<WebhookEndpointRecord> {
    const e = await this.uow.read.webhooks.find(id);
    if (!e || e.companyId !== actor.companyId) throw new AppError('WEBHOOK_NOT_FOUND');
    return e;
  }
}

function requireAdmin(actor: Actor): void {
  if (actor.role !== 'installer_admin') throw new AppError('FORBIDDEN', 'Only installer admins manage webhooks.');
}
