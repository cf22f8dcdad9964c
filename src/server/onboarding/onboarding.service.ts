/**
 * Adding devices by scanning. `scan` classifies the code and probes each device concurrently;
 * `add` records the user's decisions and queues one durable job per device; `runItem` (the job)
 * takes a device through activate → DHCP → enable cloud → wait for registration → add → checks.
 * Each item is claimed with a lease, so a crashed node's work is picked up again and a device is
 * never added twice (devices.serial is unique; the insert is idempotent).
 */
import { randomUUID } from 'node:crypto';
import { AppError, isAppError } from '../../errors/app-error';
import { classifyQr, serialMatches, type ClassifiedQr } from '../../protocol/qr';
import { checkPassword } from '../../protocol/isapi/password-policy';
import type { Clock } from '../lib/clock';
import type { UnitOfWork } from '../db/unit-of-work';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { SecretBox } from '../security/secret-box';
import type { Actor, RequestMeta } from '../auth/actor';
import { requireSiteAccess } from '../sites/site-access';
import { deviceFamily, firmwareVerdict } from '../devices/firmware-compat';
import { candidatesFrom, type CandidateSpec } from './candidates';
import type { DeviceReach, Credentials } from './device-reach';
import { OFFLINE_GUIDANCE, placementKind, probeCandidate, type AlreadyAdded, type Probe, type ProbeContext } from './probe';
import { AuditRepository } from '../audit/audit.repository';
import { OnboardingRepository, TERMINAL_STATES, type BatchRow, type CandidateRow, type ItemOutcome, type ItemRow, type RetryRow } from './onboarding.repository';
import type { DiscoveredDevice } from '../../device-client/sadp-discovery';
import { DOMAIN_EVENT_TYPES, type ItemSettledPayload } from '../events/domain-events';
import { EventRepository } from '../events/event.repository';

export interface OnboardingSettings {
  /** Devices probed at once during a scan. */
  probeConcurrency: number;
  /** How long a pending (offline) device waits to come online. */
  pendingTtlMs: number;
  cloudRegisterTimeoutMs: number;
  /** How long to look for an activated device at its new (DHCP) address. */
  followTimeoutMs: number;
  leaseMs: number;
  pollMs: number;
}

export interface Decisions {
  verificationCode?: string;
  /** New admin password for factory-new devices (activation). */
  adminPassword?: string;
  /** Existing admin password of an activated device (LAN steps such as enabling the cloud service). */
  devicePassword?: string;
}

/** Queue the job of each item (one round trip for the lot). */
export type Enqueue = (itemIds: string[]) => Promise<void>;

const VERIFICATION_CODE_RULE = /^[A-Za-z0-9]{6,12}$/;

function pool<T, R>(items: T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  return Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker)).then(() => out);
}

function summarize(qr: ClassifiedQr): Record<string, unknown> {
  // Never store secrets here: the summary is returned to clients.
  switch (qr.kind) {
    case 'label':
      return { kind: 'label', serial: qr.shortSerial || qr.serial, model: qr.model, domain: qr.domain };
    case 'serial':
      return { kind: 'serial', serial: qr.serial };
    case 'device-list':
      return { kind: 'device-list', passwordProtected: qr.passwordProtected, ...(qr.timestamp ? { timestamp: qr.timestamp } : {}), ...(qr.ageDays !== undefined ? { ageDays: qr.ageDays } : {}), warnings: qr.warnings };
    case 'sitekeeper':
      return { kind: 'sitekeeper', encrypted: qr.encrypted };
    case 'sitekeeper-part':
      return { kind: 'sitekeeper-part', index: qr.index, total: qr.total };
  }
}

function retryView(r: RetryRow | undefined) {
  if (!r) return null;
  return {
    batchId: r.batchId,
    itemId: r.itemId,
    state: r.state,
    step: r.step,
    deviceId: r.deviceId,
    error: r.errorCode ? { code: r.errorCode, message: r.errorMessage ?? '', hint: r.errorHint ?? '' } : null,
  };
}

export class OnboardingService {
  enqueue: Enqueue = async () => undefined;
  /** Called after a domain event for the notifier was committed (the app starts a dispatch job). */
  eventsRecorded: () => void = () => undefined;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly db: Kysely<DB>,
    private readonly reach: DeviceReach,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly settings: OnboardingSettings,
  ) {}

  private repo(): OnboardingRepository {
    return new OnboardingRepository(this.db);
  }

  private probeContext(actor: { companyId: string }, siteId: string): ProbeContext {
    let lan: Promise<DiscoveredDevice[] | null> | undefined;
    const repo = this.repo();
    return {
      reach: this.reach,
      lan: () => (lan ??= this.reach.discoverLan()),
      placement: (serial) => repo.deviceBySerial(serial),
      siteId,
      companyId: actor.companyId,
    };
  }

  // ---- scan ------------------------------------------------------------------------------------

  async scan(actor: Actor, siteId: string, input: { text: string; qrPassword?: string }, meta: RequestMeta) {
    await requireSiteAccess(actor, siteId, this.uow.read.sites);
    const qr = classifyQr(input.text, { ...(input.qrPassword ? { password: input.qrPassword } : {}), now: this.clock.now() });
    const specs = candidatesFrom(qr); // a locked code: QR_PASSWORD_REQUIRED, before any probing
    const ctx = this.probeContext(actor, siteId);
    const probes = await pool(specs, this.settings.probeConcurrency, (c) => probeCandidate(c, ctx));
    const scanId = randomUUID();
    const rows = specs.map((c, i) => ({
      id: randomUUID(),
      scanId,
      position: i,
      serial: probes[i]!.serial ?? c.serial ?? null,
      name: c.name,
      host: c.host ?? probes[i]!.host,
      port: c.port ?? probes[i]!.port,
      secretsSealed: c.user || c.password || c.verificationCode ? this.secrets.seal(JSON.stringify({ user: c.user, password: c.password, verificationCode: c.verificationCode }), `candidate:${scanId}`) : null,
      probe: probes[i]!,
      spec: c,
    }));
    await this.db.transaction().execute(async (trx) => {
      const repo = new OnboardingRepository(trx);
      await repo.createScan({ id: scanId, companyId: actor.companyId, siteId, createdBy: actor.id, kind: qr.kind, summary: summarize(qr) });
      await repo.addCandidates(rows);
      await new AuditRepository(trx).record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'onboarding.scan', targetType: 'site', targetId: siteId, outcome: 'success', details: { scanId, kind: qr.kind, devices: rows.length }, correlationId: meta.correlationId });
    });
    return { scanId, classified: summarize(qr), candidates: rows.map((r) => this.candidateView(r.id, r.name, r.spec, r.probe)) };
  }

  private candidateView(id: string, name: string, spec: Pick<CandidateSpec, 'serial' | 'host' | 'port' | 'model'> | { serial: string | null; host: string | null; port: number | null }, p: Probe) {
    return {
      id,
      name,
      serial: p.serial ?? spec.serial ?? null,
      model: p.model ?? ('model' in spec ? (spec.model ?? null) : null),
      type: p.family,
      host: p.host ?? spec.host ?? null,
      port: p.port ?? spec.port ?? null,
      reachableVia: p.reachableVia,
      online: p.online,
      activated: p.activated,
      cloudEnabled: p.cloudEnabled,
      cloudRegistered: p.cloudRegistered,
      alreadyAdded: p.alreadyAdded,
      nextAction: p.nextAction,
      firmware: p.firmware,
      error: p.error,
      guidance: p.nextAction === 'connect_to_network' ? OFFLINE_GUIDANCE : [],
    };
  }

  async getScan(actor: Actor, scanId: string) {
    const scan = await this.repo().findScan(scanId);
    if (!scan || scan.companyId !== actor.companyId) throw new AppError('SCAN_NOT_FOUND');
    await requireSiteAccess(actor, scan.siteId, this.uow.read.sites);
    const cands = await this.repo().candidates(scanId);
    return { scanId, siteId: scan.siteId, classified: scan.summary, candidates: cands.map((c) => this.candidateView(c.id, c.name, c, c.probe)) };
  }

  // ---- add ---------------------------------------------------------------------------------------

  async add(actor: Actor, scanId: string, input: { candidateIds: string[]; idempotencyKey: string } & Decisions, meta: RequestMeta): Promise<{ batchId: string; created: boolean }> {
    const repo = this.repo();
    const scan = await repo.findScan(scanId);
    if (!scan || scan.companyId !== actor.companyId) throw new AppError('SCAN_NOT_FOUND');
    await requireSiteAccess(actor, scan.siteId, this.uow.read.sites);
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
    const batchId = randomUUID();
    const decisions: Decisions = {
      ...(input.verificationCode ? { verificationCode: input.verificationCode } : {}),
      ...(input.adminPassword ? { adminPassword: input.adminPassword } : {}),
      ...(input.devicePassword ? { devicePassword: input.devicePassword } : {}),
    };
    const result = await this.db.transaction().execute(async (trx) => {
      const r = new OnboardingRepository(trx);
      const b = await r.createBatch({ id: batchId, companyId: actor.companyId, siteId: scan.siteId, scanId, key: input.idempotencyKey, createdBy: actor.id });
      if (!b.created) return b;
      const sealed = Object.keys(decisions).length > 0 ? this.secrets.seal(JSON.stringify(decisions), `batch:${batchId}`) : null;
      await r.addItems(ids.map((cid) => ({ id: randomUUID(), batchId, candidateId: cid, siteId: scan.siteId, serial: byId.get(cid)!.serial, secretsSealed: sealed })));
      await new AuditRepository(trx).record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'onboarding.add', targetType: 'site', targetId: scan.siteId, outcome: 'success', details: { batchId, scanId, devices: ids.length }, correlationId: meta.correlationId });
      return b;
    });
    if (result.created) await this.enqueue((await repo.items(result.id)).map((it) => it.id));
    return { batchId: result.id, created: result.created };
  }

  async batchStatus(actor: Actor, batchId: string) {
    const repo = this.repo();
    const batch = await repo.findBatch(batchId);
    if (!batch || batch.companyId !== actor.companyId) throw new AppError('BATCH_NOT_FOUND');
    await requireSiteAccess(actor, batch.siteId, this.uow.read.sites);
    return this.batchProgress({ batchId: batch.id, siteId: batch.siteId, scanId: batch.scanId });
  }

  /**
   * The view of a batch whose access was already checked (the event stream polls this). Devices
   * that failed or need action here also say how their latest retry went (see latestRetries).
   */
  async batchProgress(b: { batchId: string; siteId: string; scanId: string }) {
    const repo = this.repo();
    const items = await repo.items(b.batchId);
    const retries = items.some((i) => i.state === 'failed' || i.state === 'needs_action') ? await repo.latestRetries(b.batchId) : [];
    return this.batchView(b.batchId, b.siteId, b.scanId, items, retries);
  }

  private batchView(batchId: string, siteId: string, scanId: string, items: ItemRow[], retries: RetryRow[]) {
    const retryOf = new Map(retries.map((r) => [r.candidateId, r]));
    const counts: Record<string, number> = {};
    for (const it of items) counts[it.state] = (counts[it.state] ?? 0) + 1;
    const settled = items.every((i) => (TERMINAL_STATES as string[]).includes(i.state) || i.state === 'pending');
    return {
      batchId,
      siteId,
      scanId,
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
        error: i.errorCode ? { code: i.errorCode, message: i.errorMessage ?? '', hint: i.errorHint ?? '' } : null,
        pendingUntil: i.pendingUntil,
        guidance: i.state === 'pending' ? OFFLINE_GUIDANCE : [],
        latestRetry: retryView(retryOf.get(i.candidateId)),
      })),
    };
  }

  // ---- the job -----------------------------------------------------------------------------------

  /** Process one item; safe to call any number of times, from any node. */
  async runItem(itemId: string): Promise<void> {
    const repo = this.repo();
    const now = this.clock.now();
    const item = await repo.claim(itemId, now, new Date(now.getTime() + this.settings.leaseMs));
    if (!item) return;
    const heartbeat = setInterval(() => {
      void repo.renewLease(itemId, new Date(this.clock.now().getTime() + this.settings.leaseMs), step).catch(() => undefined);
    }, Math.max(200, Math.floor(this.settings.leaseMs / 3)));
    heartbeat.unref();
    let step = 'starting';
    const setStep = async (s: string) => {
      step = s;
      await repo.renewLease(itemId, new Date(this.clock.now().getTime() + this.settings.leaseMs), s);
    };
    // Read once per run: the batch (its site and installer) and the candidate (its name, secrets).
    const batch = await repo.findBatch(item.batchId);
    const cand = await repo.candidate(item.candidateId);
    let outcome: ItemOutcome;
    try {
      outcome = await this.process(item, batch, cand, setStep);
    } catch (e) {
      const err = isAppError(e) ? e : new AppError('INTERNAL_ERROR', undefined, { cause: e });
      outcome = { state: 'failed', step, error: { code: err.code, message: err.message, hint: err.hint } };
    } finally {
      clearInterval(heartbeat);
    }
    // A device that was waiting (offline) and has now reached an end state: the installer may have
    // left long ago, so record an event for the notifier in the same transaction as the result.
    const settledAfterWait = item.pendingUntil !== null && outcome.state !== 'pending';
    if (!settledAfterWait) {
      await repo.finish(itemId, outcome, this.clock.now());
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      const r = new OnboardingRepository(trx);
      await r.finish(itemId, outcome, this.clock.now());
      // Still there? (A site deleted meanwhile takes its batches with it: nobody to tell.)
      const current = await r.findBatch(item.batchId);
      if (!current) return;
      const payload: ItemSettledPayload = {
        batchId: item.batchId, itemId, siteId: current.siteId, serial: outcome.serial ?? item.serial, name: cand?.name ?? outcome.serial ?? item.serial ?? 'Device',
        state: outcome.state as ItemSettledPayload['state'], deviceId: outcome.deviceId ?? null, error: outcome.error ?? null, notifyUserId: current.createdBy,
      };
      await new EventRepository(trx).append(current.companyId, DOMAIN_EVENT_TYPES.itemSettled, payload);
    });
    this.eventsRecorded();
  }

  private async process(item: ItemRow, batch: BatchRow | undefined, cand: CandidateRow | undefined, setStep: (s: string) => Promise<void>): Promise<ItemOutcome> {
    if (!batch || !cand) return { state: 'failed', step: 'starting', error: this.errorJson(new AppError('SITE_NOT_FOUND', 'The site was deleted while the device was being added.')) };
    const secrets = cand.secretsSealed ? (JSON.parse(this.secrets.open(cand.secretsSealed, `candidate:${cand.scanId}`)) as { user?: string; password?: string; verificationCode?: string }) : {};
    const decisions: Decisions = item.secretsSealed ? (JSON.parse(this.secrets.open(item.secretsSealed, `batch:${item.batchId}`)) as Decisions) : {};
    const spec: CandidateSpec = {
      name: cand.name,
      ...(cand.serial ? { serial: cand.serial } : {}),
      ...(cand.host && cand.probe.reachableVia === 'direct' ? { host: cand.host, port: cand.port ?? 80 } : {}),
      ...(secrets.user ? { user: secrets.user } : {}),
      ...(decisions.devicePassword && cand.probe.reachableVia === 'direct' && cand.probe.nextAction === 'enter_password' ? { password: decisions.devicePassword } : secrets.password ? { password: secrets.password } : {}),
      ...(decisions.verificationCode ?? secrets.verificationCode ? { verificationCode: decisions.verificationCode ?? secrets.verificationCode } : {}),
    };
    await setStep('probing');
    const ctx = this.probeContext({ companyId: batch.companyId }, batch.siteId);
    let p = await probeCandidate(spec, ctx);
    const serial = p.serial ?? spec.serial ?? null;
    const withSerial = (o: ItemOutcome): ItemOutcome => ({ ...o, serial: o.serial ?? serial });

    if (p.alreadyAdded) return withSerial(this.alreadyThere(p.alreadyAdded, p.alreadyAdded === 'this_site' ? await this.repo().deviceBySerial(serial!) : undefined, item));

    if (p.reachableVia === null || !p.online) {
      if (p.reachableVia === 'direct' && p.error && p.error.code !== 'DEVICE_OFFLINE' && p.error.code !== 'DEVICE_TIMEOUT') {
        return withSerial({ state: 'failed', step: 'probing', error: p.error });
      }
      return withSerial(this.pendingOutcome(item));
    }

    if (p.reachableVia === 'direct') {
      if (p.nextAction === 'enter_password') return withSerial({ state: p.error ? 'failed' : 'needs_action', step: 'probing', error: p.error ?? this.errorJson(new AppError('DEVICE_PASSWORD_REQUIRED')) });
      if (p.nextAction === 'activate') return withSerial({ state: 'failed', step: 'probing', error: this.errorJson(new AppError('DEVICE_NOT_ACTIVATED', 'This device is not activated, so it cannot be added by IP address yet.', { hint: 'Activate it first: scan its label on the same network, or use the SADP tool.' })) });
      return this.insert(item, batch, p, 'direct', { host: spec.host!, port: spec.port ?? 80, creds: { user: spec.user!, password: spec.password! } }, cand.name);
    }

    let creds: Credentials | undefined;
    const code = spec.verificationCode;
    if (p.reachableVia === 'lan') {
      if (p.activated === false) {
        if (!decisions.adminPassword) return withSerial({ state: 'needs_action', step: 'probing', error: this.errorJson(new AppError('ADMIN_PASSWORD_REQUIRED')) });
        await setStep('activating');
        try {
          await this.reach.lanClient(p.host!, p.port!).activate(decisions.adminPassword);
          await this.auditDeviceChange('device.activate', batch, serial);
        } catch (e) {
          if (!isAppError(e, 'DEVICE_ALREADY_ACTIVATED')) throw e;
        }
        creds = { user: 'admin', password: decisions.adminPassword };
        await setStep('enabling_dhcp');
        await this.reach.lanClient(p.host!, p.port!, creds).setDhcp();
        await setStep('following');
        p = await this.follow(serial!, p);
      } else {
        const pw = decisions.devicePassword ?? decisions.adminPassword;
        if (pw) creds = { user: 'admin', password: pw };
      }
      if (p.cloudEnabled === false) {
        if (!code) return withSerial({ state: 'needs_action', step: 'probing', error: this.errorJson(new AppError('VERIFICATION_CODE_REQUIRED', 'Choose a verification code to enable the cloud service (6 to 12 letters or digits).')) });
        if (!VERIFICATION_CODE_RULE.test(code)) return withSerial({ state: 'failed', step: 'probing', error: this.errorJson(new AppError('VERIFICATION_CODE_RULES')) });
        if (!creds) return withSerial({ state: 'needs_action', step: 'probing', error: this.errorJson(new AppError('DEVICE_PASSWORD_REQUIRED')) });
        await setStep('enabling_cloud');
        await this.reach.lanClient(p.host!, p.port!, creds).enableCloud(code);
        await this.auditDeviceChange('device.cloud.enable', batch, serial);
        await setStep('waiting_registration');
        await this.waitForRegistration(serial!);
        p = { ...p, reachableVia: 'cloud', cloudEnabled: true, cloudRegistered: true };
      } else {
        // Cloud on: it may be registering right now.
        const st = await this.reach.cloudStatus(serial!);
        if (st?.online) p = { ...p, reachableVia: 'cloud', cloudRegistered: true };
      }
    }

    if (p.reachableVia === 'cloud') {
      if (!code) return withSerial({ state: 'needs_action', step: 'probing', error: this.errorJson(new AppError('VERIFICATION_CODE_REQUIRED')) });
      await setStep('verifying_code');
      const full = (await this.reach.cloudStatus(serial!))?.serial ?? serial!;
      if (!(await this.reach.verifyCloudCode(full, code))) return withSerial({ state: 'failed', step: 'verifying_code', error: this.errorJson(new AppError('VERIFICATION_CODE_INVALID')) });
      try {
        const info = await this.reach.cloudClient(full).deviceInfo();
        p = { ...p, serial: info.serialNumber, model: info.model, deviceType: info.deviceType, firmware: { ...p.firmware, version: info.firmwareVersion } };
      } catch {
        // Registration data is enough to add it; details refresh with health monitoring.
      }
      return this.insert(item, batch, { ...p, serial: full }, 'cloud', { code, ...(creds ? { creds } : {}) }, cand.name);
    }

    // On the LAN with the cloud service on but not connected: keep it as a LAN device if we can log in.
    if (creds) return this.insert(item, batch, p, 'agent', { host: p.host!, port: p.port!, creds }, cand.name);
    return withSerial({ state: 'needs_action', step: 'probing', error: this.errorJson(new AppError('DEVICE_PASSWORD_REQUIRED')) });
  }

  /** A change made to a device before it is added: audited by serial (it has no id yet), never with its secrets. */
  private async auditDeviceChange(action: 'device.activate' | 'device.cloud.enable', batch: BatchRow, serial: string | null): Promise<void> {
    await new AuditRepository(this.db).record({ companyId: batch.companyId, actorId: batch.createdBy, actorEmail: null, action, targetType: 'device', targetId: serial, outcome: 'success', details: { serial, siteId: batch.siteId, batchId: batch.id } });
  }

  private pendingOutcome(item: ItemRow): ItemOutcome {
    const now = this.clock.now();
    const until = item.pendingUntil ?? new Date(now.getTime() + this.settings.pendingTtlMs);
    if (until <= now) return { state: 'failed', step: 'waiting_online', error: this.errorJson(new AppError('ONBOARDING_EXPIRED')) };
    return { state: 'pending', step: 'waiting_online', pendingUntil: until, error: this.errorJson(new AppError('DEVICE_OFFLINE', 'The device is offline; it stays pending and is added as soon as it comes online.')) };
  }

  /** The outcome for a device that is already on a site (`d`: the device, when it is on this one). */
  private alreadyThere(where: AlreadyAdded, d: { id: string } | undefined, item: ItemRow): ItemOutcome {
    if (where === 'this_site') {
      // Our own earlier attempt (before a crash) added it: that is success, not a duplicate.
      if (d && item.deviceId === d.id) return { state: 'added', step: 'done', deviceId: d.id };
      return { state: 'already_added', step: 'done', deviceId: d?.id ?? null, error: this.errorJson(new AppError('DEVICE_ALREADY_ADDED')) };
    }
    return { state: 'failed', step: 'probing', error: this.errorJson(new AppError(where === 'other_site' ? 'DEVICE_ON_OTHER_SITE' : 'DEVICE_BOUND_ELSEWHERE')) };
  }

  private async follow(serial: string, before: Probe): Promise<Probe> {
    const deadline = this.clock.now().getTime() + this.settings.followTimeoutMs;
    while (this.clock.now().getTime() < deadline) {
      const lan = await this.reach.discoverLan().catch(() => null);
      const d = lan?.find((x) => serialMatches(x.serial, serial) && x.activated);
      if (d) return { ...before, host: d.ipv4Address, port: d.httpPort, activated: true, cloudEnabled: d.cloudEnabled, online: true };
      await new Promise((r) => setTimeout(r, this.settings.pollMs));
    }
    throw new AppError('DEVICE_OFFLINE', 'The device was activated but did not come back on the network after switching to DHCP.', { hint: 'Check that the network has a DHCP server, then scan the device again.' });
  }

  private async waitForRegistration(serial: string): Promise<void> {
    const deadline = this.clock.now().getTime() + this.settings.cloudRegisterTimeoutMs;
    while (this.clock.now().getTime() < deadline) {
      const st = await this.reach.cloudStatus(serial);
      if (st?.online) return;
      await new Promise((r) => setTimeout(r, this.settings.pollMs));
    }
    throw new AppError('CLOUD_REGISTRATION_TIMEOUT');
  }

  private async insert(
    item: ItemRow,
    batch: { companyId: string; siteId: string; createdBy: string | null },
    p: Probe,
    via: 'cloud' | 'direct' | 'agent',
    access: { host?: string; port?: number; creds?: Credentials; code?: string },
    candName: string,
  ): Promise<ItemOutcome> {
    const serial = p.serial!;
    const family = deviceFamily(p.deviceType ?? '', p.model ?? '');
    const verdict = p.firmware.version ? firmwareVerdict(p.firmware.version, family) : null;
    const out = await this.db.transaction().execute(async (trx): Promise<ItemOutcome | null> => {
      const r = new OnboardingRepository(trx);
      if (!(await r.siteExists(batch.siteId))) return { state: 'failed', step: 'adding', error: this.errorJson(new AppError('SITE_NOT_FOUND', 'The site was deleted while the device was being added.')) };
      const id = await r.insertDevice({
        companyId: batch.companyId,
        siteId: batch.siteId,
        serial,
        name: candName && candName !== serial ? candName : (p.model ?? serial),
        type: family,
        model: p.model ?? '',
        firmwareVersion: p.firmware.version ?? '',
        firmwareCompatible: verdict?.compatible ?? null,
        addedVia: via,
        host: access.host ?? null,
        port: access.port ?? null,
        credentialsSealed: access.creds ? this.secrets.seal(JSON.stringify(access.creds), `device:${serial}`) : null,
        verificationCodeSealed: access.code ? this.secrets.seal(access.code, `device-code:${serial}`) : null,
        addedBy: batch.createdBy,
        status: 'online',
      });
      if (!id) return null; // someone else added it first: report what is there
      await trx.updateTable('onboarding_items').set({ device_id: id }).where('id', '=', item.id).execute();
      await new AuditRepository(trx).record({ companyId: batch.companyId, actorId: batch.createdBy, actorEmail: null, action: 'device.add', targetType: 'device', targetId: id, outcome: 'success', details: { serial, via, siteId: batch.siteId, batchId: item.batchId } });
      await new EventRepository(trx).append(batch.companyId, DOMAIN_EVENT_TYPES.deviceAdded, { deviceId: id, siteId: batch.siteId, family, firmwareCompatible: verdict?.compatible ?? null, wasPending: item.pendingUntil !== null, notifyUserId: batch.createdBy });
      return { state: 'added', step: 'done', deviceId: id, serial, error: null };
    });
    if (out) return out;
    const existing = await this.repo().deviceBySerial(serial);
    return { ...this.alreadyThere(existing ? placementKind(existing, batch.companyId, batch.siteId) : 'this_site', existing, item), serial };
  }

  private errorJson(e: AppError) {
    return { code: e.code, message: e.message, hint: e.hint };
  }

  // ---- continuation ------------------------------------------------------------------------------

  /** Re-queue items that should run: queued, pending (offline) and abandoned ones. */
  async resumeAll(): Promise<number> {
    const now = this.clock.now();
    const repo = this.repo();
    const rows = await repo.resumable(now, new Date(now.getTime() - this.settings.leaseMs));
    if (rows.length === 0) return 0;
    await repo.touchQueued(rows.filter((r) => r.state === 'queued').map((r) => r.id), now);
    await this.enqueue(rows.map((r) => r.id));
    return rows.length;
  }

  /** A device came online (presence): continue its pending adds now. */
  async deviceOnline(serial: string): Promise<void> {
    const s = serial.toUpperCase();
    // serialMatches in SQL, both ways: the item's serial is s or a (short) tail of it, or s is a tail of the item's.
    const tails = s.length > 9 ? Array.from({ length: s.length - 8 }, (_, i) => s.slice(i)) : [s];
    const rows = await this.db
      .selectFrom('onboarding_items')
      .select('id')
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb(sql<string>`upper(serial)`, 'in', tails), ...(s.length >= 9 ? [eb(sql<string>`upper(serial)`, 'like', `%${s.replace(/[\\%_]/g, '')}`)] : [])]))
      .execute();
    if (rows.length > 0) await this.enqueue(rows.map((r) => r.id));
  }
}
