/**
 * Scanning: classify a code, make one candidate per device it names, probe them all concurrently
 * (cloud, LAN, direct) and store the scan with what each probe found, for the user to confirm.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors/app-error';
import { classifyQr, type ClassifiedQr } from '../../protocol/qr';
import type { Clock } from '../lib/clock';
import type { UnitOfWork } from '../db/unit-of-work';
import type { SecretBox } from '../security/secret-box';
import { companyOf, type Actor, type RequestMeta } from '../auth/actor';
import { requireSiteAccess } from '../sites/site-access';
import { candidatesFrom, type CandidateSpec } from './candidates';
import type { DeviceReach } from './device-reach';
import { OFFLINE_GUIDANCE, probeCandidate, probeContextFor, type Probe } from './probe';

export interface ScanSettings {
  /** Devices probed at once during a scan. */
  probeConcurrency: number;
  /** Devices one code may name; more is refused before any probe (one code must not become a port scan). */
  maxDevices: number;
}

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

function candidateView(id: string, name: string, spec: Pick<CandidateSpec, 'serial' | 'host' | 'port' | 'model'> | { serial: string | null; host: string | null; port: number | null }, p: Probe) {
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

export class ScanService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly reach: DeviceReach,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly settings: ScanSettings,
  ) {}

  async scan(actor: Actor, siteId: string, input: { text: string; qrPassword?: string }, meta: RequestMeta) {
    await requireSiteAccess(actor, siteId, this.uow.read.sites, false, 'add_device');
    const qr = classifyQr(input.text, { ...(input.qrPassword ? { password: input.qrPassword } : {}), now: this.clock.now() });
    const specs = candidatesFrom(qr); // a locked code: QR_PASSWORD_REQUIRED, before any probing
    if (specs.length > this.settings.maxDevices) {
      throw new AppError('SCAN_TOO_MANY_DEVICES', `This code names ${specs.length} devices; at most ${this.settings.maxDevices} can be added from one scan.`, { details: { devices: specs.length, max: this.settings.maxDevices } });
    }
    return this.probeAndStore(actor, siteId, qr.kind, summarize(qr), specs, meta);
  }

  /**
   * "Add by IP/Domain" (issue 16): one device typed by its address, port, user and password, as one
   * candidate of a scan: probed like a device of a multi-device code (the connect policy routes it;
   * a factory-new device asks for activation), then confirmed and added by the same batch.
   */
  async scanAddress(actor: Actor, siteId: string, input: { host: string; port: number; user: string; password: string; name?: string | undefined }, meta: RequestMeta) {
    await requireSiteAccess(actor, siteId, this.uow.read.sites, false, 'add_device');
    const host = input.host.trim();
    const spec: CandidateSpec = { name: input.name?.trim() || host, host, port: input.port, user: input.user, password: input.password };
    return this.probeAndStore(actor, siteId, 'address', { kind: 'address', host, port: input.port }, [spec], meta);
  }

  private async probeAndStore(actor: Actor, siteId: string, kind: string, summary: Record<string, unknown>, specs: CandidateSpec[], meta: RequestMeta) {
    const ctx = probeContextFor(this.reach, (serial) => this.uow.read.onboarding.deviceBySerial(serial), { companyId: companyOf(actor), siteId }, { userId: actor.id, companyId: companyOf(actor) });
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
    await this.uow.tx(async ({ onboarding, audit }) => {
      await onboarding.createScan({ id: scanId, companyId: companyOf(actor), siteId, createdBy: actor.id, kind, summary });
      await onboarding.addCandidates(rows);
      await audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'onboarding.scan', targetType: 'site', targetId: siteId, outcome: 'success', details: { scanId, kind, devices: rows.length }, correlationId: meta.correlationId });
    });
    return { scanId, classified: summary, candidates: rows.map((r) => candidateView(r.id, r.name, r.spec, r.probe)) };
  }

  async getScan(actor: Actor, scanId: string) {
    const repo = this.uow.read.onboarding;
    const scan = await repo.findScan(scanId);
    if (!scan || scan.companyId !== actor.companyId) throw new AppError('SCAN_NOT_FOUND');
    await requireSiteAccess(actor, scan.siteId, this.uow.read.sites, false, 'add_device');
    const cands = await repo.candidates(scanId);
    return { scanId, siteId: scan.siteId, classified: scan.summary, candidates: cands.map((c) => candidateView(c.id, c.name, c, c.probe)) };
  }
}
