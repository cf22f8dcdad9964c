/**
 * Batches: the user confirms devices of a scan (with an idempotency key), which stores one item per
 * device and queues one job each; a batch's progress per device, with how later retries went.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors/app-error';
import { checkPassword } from '../../protocol/isapi/password-policy';
import type { UnitOfWork } from '../db/unit-of-work';
import type { SecretBox } from '../security/secret-box';
import { companyOf, type Actor, type RequestMeta } from '../auth/actor';
import type { CodeGuesser } from '../gateway/device-gateway';
import { requireSiteAccess } from '../sites/site-access';
import { OFFLINE_GUIDANCE } from './probe';
import { TERMINAL_STATES, type ItemRow, type RetryRow } from './onboarding.repository';
import { VERIFICATION_CODE_RULE, type Decisions } from './next-step';

/** Queue the job of each item (one round trip for the lot). */
export type Enqueue = (itemIds: string[]) => Promise<void>;

type ErrorColumns = Pick<ItemRow, 'errorCode' | 'errorMessage' | 'errorHint'>;
const errorView = (r: ErrorColumns) => (r.errorCode ? { code: r.errorCode, message: r.errorMessage ?? '', hint: r.errorHint ?? '' } : null);

function retryView(r: RetryRow | undefined) {
  if (!r) return null;
  return { batchId: r.batchId, itemId: r.itemId, state: r.state, step: r.step, deviceId: r.deviceId, error: errorView(r) };
}

function batchView(b: { batchId: string; siteId: string; scanId: string }, items: ItemRow[], retries: RetryRow[]) {
  const retryOf = new Map(retries.map((r) => [r.candidateId, r]));
  const counts: Record<string, number> = {};
  for (const it of items) counts[it.state] = (counts[it.state] ?? 0) + 1;
  const settled = items.every((i) => (TERMINAL_STATES as string[]).includes(i.state) || i.state === 'pending');
  return {
    batchId: b.batchId,
    siteId: b.siteId,
    scanId: b.scanId,
    settled,
    done: items.every((i) => (TERMINAL_STATES as string[]).includes(i.state)),
    counts,
    items: items.map((i) => ({
      id: i.id,
      candidateId: i.candidateId,
      name: i.name ?? null,
      serial: i.serial,
      state: i.state,
      step: i.step,
      deviceId: i.deviceId,
      error: errorView(i),
      pendingUntil: i.pendingUntil,
      guidance: i.state === 'pending' ? OFFLINE_GUIDANCE : [],
      latestRetry: retryView(retryOf.get(i.candidateId)),
    })),
  };
}

/** A batch as the API shows it (GET /api/batches/:id and the progress stream). */
export type BatchView = ReturnType<typeof batchView>;

export class BatchService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly secrets: SecretBox,
    /** Queues the items' jobs once their batch is committed. */
    private readonly enqueue: Enqueue,
    /**
     * Throws VERIFICATION_CODE_THROTTLED (429) while this user's or company's wrong codes, or one of
     * the serials' own, make them wait (DeviceGateway.checkCodeGuesser): an add whose codes its
     * job would check is refused at once rather than failing later.
     */
    private readonly checkCodeGuesser: (by: CodeGuesser, serials: readonly string[]) => void = () => undefined,
  ) {}

  async add(actor: Actor, scanId: string, input: { candidateIds: string[]; idempotencyKey: string } & Decisions, meta: RequestMeta): Promise<{ batchId: string; created: boolean }> {
    const repo = this.uow.read.onboarding;
    const scan = await repo.findScan(scanId);
    if (!scan || scan.companyId !== actor.companyId) throw new AppError('SCAN_NOT_FOUND');
    await requireSiteAccess(actor, scan.siteId, this.uow.read.sites, false, 'add_device');
    const existing = await repo.findBatchByKey(actor.companyId, input.idempotencyKey);
    if (existing) return { batchId: existing.id, created: false };
    if (input.verificationCode !== undefined && !VERIFICATION_CODE_RULE.test(input.verificationCode)) throw new AppError('VERIFICATION_CODE_RULES');
    if (input.adminPassword !== undefined) {
      const check = checkPassword(input.adminPassword, 'admin');
      if (!check.ok) throw new AppError('DEVICE_PASSWORD_RISKY', check.reason, { details: { strength: check.strength, problem: check.problem } });
    }
    const cands = await repo.candidates(scanId);
    const byId = new Map(cands.map((c) => [c.id, c]));
    const unknown = input.candidateIds.filter((id) => !byId.has(id));
    if (unknown.length > 0) throw new AppError('CANDIDATE_NOT_FOUND', undefined, { details: { candidateIds: unknown } });
    const ids = [...new Set(input.candidateIds)];
    // Codes are checked by the job: from the request, or from the labels the candidates were scanned from.
    if (input.verificationCode !== undefined || ids.some((id) => byId.get(id)!.secretsSealed !== null)) {
      this.checkCodeGuesser({ userId: actor.id, companyId: actor.companyId }, ids.map((id) => byId.get(id)!.serial).filter((s): s is string => !!s));
    }
    const batchId = randomUUID();
    const decisions: Decisions = {
      ...(input.verificationCode ? { verificationCode: input.verificationCode } : {}),
      ...(input.adminPassword ? { adminPassword: input.adminPassword } : {}),
      ...(input.devicePassword ? { devicePassword: input.devicePassword } : {}),
    };
    const result = await this.uow.tx(async ({ onboarding, audit }) => {
      const b = await onboarding.createBatch({ id: batchId, companyId: companyOf(actor), siteId: scan.siteId, scanId, key: input.idempotencyKey, createdBy: actor.id });
      if (!b.created) return b;
      const sealed = Object.keys(decisions).length > 0 ? this.secrets.seal(JSON.stringify(decisions), `batch:${batchId}`) : null;
      await onboarding.addItems(ids.map((cid) => ({ id: randomUUID(), batchId, candidateId: cid, siteId: scan.siteId, serial: byId.get(cid)!.serial, secretsSealed: sealed })));
      await audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'onboarding.add', targetType: 'site', targetId: scan.siteId, outcome: 'success', details: { batchId, scanId, devices: ids.length }, correlationId: meta.correlationId });
      return b;
    });
    if (result.created) await this.enqueue((await repo.items(result.id)).map((it) => it.id));
    return { batchId: result.id, created: result.created };
  }

  async batchStatus(actor: Actor, batchId: string): Promise<BatchView> {
    const batch = await this.uow.read.onboarding.findBatch(batchId);
    if (!batch || batch.companyId !== actor.companyId) throw new AppError('BATCH_NOT_FOUND');
    await requireSiteAccess(actor, batch.siteId, this.uow.read.sites, false, 'view_devices');
    return this.batchProgress({ batchId: batch.id, siteId: batch.siteId, scanId: batch.scanId });
  }

  /**
   * The view of a batch whose access was already checked (the progress stream polls this). Devices
   * that failed or need action here also say how their latest retry went (see latestRetries).
   */
  async batchProgress(b: { batchId: string; siteId: string; scanId: string }): Promise<BatchView> {
    const repo = this.uow.read.onboarding;
    const items = await repo.items(b.batchId);
    const retries = items.some((i) => i.state === 'failed' || i.state === 'needs_action') ? await repo.latestRetries(b.batchId) : [];
    return batchView(b, items, retries);
  }
}
