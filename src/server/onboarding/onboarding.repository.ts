import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import type { ClaimProof, DeviceAddedVia } from '../db/schema';
import type { Probe } from './probe';
import type { StoredFirmwareVerdict } from '../devices/firmware-verdict';
import { CATALOGUE } from '../devices/firmware-catalogue';
import { serialMatches } from '../../protocol/qr';
import { serialOrTail } from '../db/serial-match';

export type ItemState = 'queued' | 'running' | 'added' | 'already_added' | 'failed' | 'needs_action' | 'pending';
export const TERMINAL_STATES: ItemState[] = ['added', 'already_added', 'failed', 'needs_action'];

export interface BatchRow {
  id: string;
  companyId: string;
  siteId: string;
  scanId: string;
  createdBy: string | null;
  createdAt: Date;
}

export interface CandidateRow {
  id: string;
  scanId: string;
  position: number;
  serial: string | null;
  name: string;
  host: string | null;
  port: number | null;
  secretsSealed: string | null;
  probe: Probe;
}

export interface ItemRow {
  id: string;
  /** The device's name from the scan (only where the query joins it). */
  name?: string | null;
  batchId: string;
  candidateId: string;
  siteId: string;
  serial: string | null;
  state: ItemState;
  step: string;
  secretsSealed: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  errorHint: string | null;
  deviceId: string | null;
  pendingUntil: Date | null;
  updatedAt: Date;
}

/** The newest later add of a device from the same scan (a retry), and how it went. */
export interface RetryRow {
  /** The candidate both items add. */
  candidateId: string;
  itemId: string;
  batchId: string;
  state: ItemState;
  step: string;
  deviceId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  errorHint: string | null;
}

export interface ItemOutcome {
  state: ItemState;
  step: string;
  error?: { code: string; message: string; hint: string } | null;
  deviceId?: string | null;
  pendingUntil?: Date | null;
  serial?: string | null;
}

/** Where a device with a serial is, and how its company proved the claim (decision 0005). */
export interface DevicePlacement {
  id: string;
  siteId: string;
  companyId: string;
  /** The full serial the device is stored under. */
  serial: string;
  claimProof: ClaimProof;
  addedBy: string | null;
  name: string;
}

export interface CloudRegistrationRow {
  serial: string;
  model: string;
  type: string;
  firmware: string;
  /** Last presence the gateway stored; null when it never reported. */
  online: boolean | null;
  presenceFirmware: string | null;
}

const ITEM_COLUMNS = [
  'i.id', 'i.batch_id as batchId', 'i.candidate_id as candidateId', 'i.site_id as siteId', 'i.serial', 'i.state', 'i.step', 'i.secrets_sealed as secretsSealed',
  'i.error_code as errorCode', 'i.error_message as errorMessage', 'i.error_hint as errorHint', 'i.device_id as deviceId', 'i.pending_until as pendingUntil', 'i.updated_at as updatedAt',
] as const;

export class OnboardingRepository {
  constructor(private readonly db: Executor) {}

  async createScan(s: { id: string; companyId: string; siteId: string; createdBy: string; kind: string; summary: Record<string, unknown> }): Promise<void> {
    await this.db.insertInto('scans').values({ id: s.id, company_id: s.companyId, site_id: s.siteId, created_by: s.createdBy, kind: s.kind, summary: JSON.stringify(s.summary) }).execute();
  }

  async addCandidates(rows: Array<Omit<CandidateRow, 'scanId'> & { scanId: string }>): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('scan_candidates')
      .values(rows.map((r) => ({ id: r.id, scan_id: r.scanId, position: r.position, serial: r.serial, name: r.name, host: r.host, port: r.port, secrets_sealed: r.secretsSealed, probe: JSON.stringify(r.probe) })))
      .execute();
  }

  async findScan(id: string): Promise<{ id: string; companyId: string; siteId: string; kind: string; summary: Record<string, unknown>; createdAt: Date } | undefined> {
    return this.db.selectFrom('scans').select(['id', 'company_id as companyId', 'site_id as siteId', 'kind', 'summary', 'created_at as createdAt']).where('id', '=', id).executeTakeFirst();
  }

  async candidates(scanId: string): Promise<CandidateRow[]> {
    const rows = await this.db.selectFrom('scan_candidates').selectAll().where('scan_id', '=', scanId).orderBy('position').execute();
    return rows.map((r) => ({ id: r.id, scanId: r.scan_id, position: r.position, serial: r.serial, name: r.name, host: r.host, port: r.port, secretsSealed: r.secrets_sealed, probe: r.probe as unknown as Probe }));
  }

  async candidate(id: string): Promise<CandidateRow | undefined> {
    const r = await this.db.selectFrom('scan_candidates').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, scanId: r.scan_id, position: r.position, serial: r.serial, name: r.name, host: r.host, port: r.port, secretsSealed: r.secrets_sealed, probe: r.probe as unknown as Probe } : undefined;
  }

  async findBatchByKey(companyId: string, key: string): Promise<{ id: string; scanId: string } | undefined> {
    return this.db.selectFrom('onboarding_batches').select(['id', 'scan_id as scanId']).where('company_id', '=', companyId).where('idempotency_key', '=', key).executeTakeFirst();
  }

  /** Insert the batch unless one with this idempotency key exists; returns the id either way. */
  async createBatch(b: { id: string; companyId: string; siteId: string; scanId: string; key: string; createdBy: string }): Promise<{ id: string; created: boolean }> {
    const r = await this.db
      .insertInto('onboarding_batches')
      .values({ id: b.id, company_id: b.companyId, site_id: b.siteId, scan_id: b.scanId, idempotency_key: b.key, created_by: b.createdBy })
      .onConflict((oc) => oc.columns(['company_id', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (r) return { id: r.id, created: true };
    const existing = await this.findBatchByKey(b.companyId, b.key);
    return { id: existing!.id, created: false };
  }

  async addItems(rows: Array<{ id: string; batchId: string; candidateId: string; siteId: string; serial: string | null; secretsSealed: string | null }>): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('onboarding_items')
      .values(rows.map((r) => ({ id: r.id, batch_id: r.batchId, candidate_id: r.candidateId, site_id: r.siteId, serial: r.serial, state: 'queued', secrets_sealed: r.secretsSealed })))
      .execute();
  }

  async findBatch(id: string): Promise<BatchRow | undefined> {
    return this.db
      .selectFrom('onboarding_batches')
      .select(['id', 'company_id as companyId', 'site_id as siteId', 'scan_id as scanId', 'created_by as createdBy', 'created_at as createdAt'])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async items(batchId: string): Promise<ItemRow[]> {
    return (await this.db
      .selectFrom('onboarding_items as i')
      .leftJoin('scan_candidates as c', 'c.id', 'i.candidate_id')
      .select([...ITEM_COLUMNS, 'c.name as name'])
      .where('i.batch_id', '=', batchId)
      .orderBy('i.id')
      .execute()) as ItemRow[];
  }

  /**
   * For each device of the batch that failed or needs action: the newest item adding the same
   * candidate in a later batch of the same scan (a retry from the progress page), if there is one.
   */
  async latestRetries(batchId: string): Promise<RetryRow[]> {
    return (await this.db
      .selectFrom('onboarding_items as i')
      .innerJoin('onboarding_batches as b', 'b.id', 'i.batch_id')
      .innerJoin('onboarding_batches as lb', (j) => j.onRef('lb.scan_id', '=', 'b.scan_id').onRef('lb.created_at', '>', 'b.created_at'))
      .innerJoin('onboarding_items as l', (j) => j.onRef('l.batch_id', '=', 'lb.id').onRef('l.candidate_id', '=', 'i.candidate_id'))
      .where('i.batch_id', '=', batchId)
      .where('i.state', 'in', ['failed', 'needs_action'])
      .distinctOn('i.candidate_id')
      .select([
        'i.candidate_id as candidateId', 'l.id as itemId', 'l.batch_id as batchId', 'l.state', 'l.step', 'l.device_id as deviceId',
        'l.error_code as errorCode', 'l.error_message as errorMessage', 'l.error_hint as errorHint',
      ])
      .orderBy('i.candidate_id')
      .orderBy('lb.created_at', 'desc')
      .execute()) as RetryRow[];
  }

  /**
   * A fingerprint of what the progress streams show of each scan's items (state, step, error,
   * device, wait), for the embedded database's shared poller: one query per tick for every scan
   * a node's streams follow. A scan whose fingerprint changed is read again; lease heartbeats do
   * not change it.
   */
  async progressFingerprints(scanIds: readonly string[]): Promise<Map<string, string>> {
    if (scanIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('onboarding_batches as b')
      .innerJoin('onboarding_items as i', 'i.batch_id', 'b.id')
      .where('b.scan_id', 'in', [...scanIds])
      .groupBy('b.scan_id')
      .select([
        'b.scan_id as scanId',
        sql<string>`md5(string_agg(concat_ws('|', i.id, i.state, i.step, i.error_code, i.device_id, i.pending_until), ',' order by i.id))`.as('fingerprint'),
      ])
      .execute();
    return new Map(rows.map((r) => [r.scanId, r.fingerprint]));
  }

  /**
   * Take the item for processing: queued or pending items, or running ones whose holder's lease
   * ran out (its node died). Exactly one worker wins.
   */
  async claim(id: string, now: Date, leaseUntil: Date): Promise<ItemRow | undefined> {
    return (await this.db
      .updateTable('onboarding_items as i')
      .set({ state: 'running', lease_until: leaseUntil, attempts: sql`attempts + 1`, updated_at: now })
      .where('i.id', '=', id)
      .where((eb) => eb.or([eb('i.state', 'in', ['queued', 'pending']), eb.and([eb('i.state', '=', 'running'), eb('i.lease_until', '<', now)])]))
      .returning(ITEM_COLUMNS)
      .executeTakeFirst()) as ItemRow | undefined;
  }

  async renewLease(id: string, leaseUntil: Date, step: string): Promise<void> {
    await this.db.updateTable('onboarding_items').set({ lease_until: leaseUntil, step, updated_at: sql`now()` }).where('id', '=', id).where('state', '=', 'running').execute();
  }

  async finish(id: string, o: ItemOutcome, now: Date): Promise<void> {
    await this.db
      .updateTable('onboarding_items')
      .set({
        state: o.state,
        step: o.step,
        error_code: o.error?.code ?? null,
        error_message: o.error?.message ?? null,
        error_hint: o.error?.hint ?? null,
        lease_until: null,
        updated_at: now,
        ...(o.deviceId !== undefined ? { device_id: o.deviceId } : {}),
        ...(o.pendingUntil !== undefined ? { pending_until: o.pendingUntil } : {}),
        ...(o.serial ? { serial: o.serial } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Items to (re)start: pending ones (offline devices, checked again each sweep), running ones whose
   * lease ran out (their node died), and queued ones whose job has waited longer than a lease
   * (lost in a crash) — not freshly queued ones, whose jobs are on their way.
   */
  async resumable(now: Date, staleBefore: Date, limit = 500): Promise<Array<{ id: string; state: string }>> {
    return this.db
      .selectFrom('onboarding_items')
      .select(['id', 'state'])
      .where((eb) =>
        eb.or([
          eb('state', '=', 'pending'),
          eb.and([eb('state', '=', 'running'), eb('lease_until', '<', now)]),
          eb.and([eb('state', '=', 'queued'), eb('updated_at', '<', staleBefore)]),
        ]),
      )
      .orderBy('updated_at')
      .limit(limit)
      .execute();
  }

  /**
   * Pending (offline) items waiting for any of these devices (serials full or short, either way
   * round: `serialMatches` both ways). One read for a whole batch of devices coming online: the
   * pending items (few: adds waiting for a device), matched here on their last 9 characters.
   */
  async pendingItemIdsForSerials(serials: readonly string[]): Promise<string[]> {
    if (serials.length === 0) return [];
    const pending = await this.db.selectFrom('onboarding_items').select(['id', 'serial']).where('state', '=', 'pending').where('serial', 'is not', null).execute();
    if (pending.length === 0) return [];
    const byTail = new Map<string, Array<{ id: string; serial: string }>>();
    for (const { id, serial } of pending) {
      if (!serial) continue;
      const tail = serial.toUpperCase().slice(-9);
      byTail.set(tail, [...(byTail.get(tail) ?? []), { id, serial }]);
    }
    const ids = new Set<string>();
    for (const s of serials) {
      for (const p of byTail.get(s.toUpperCase().slice(-9)) ?? []) {
        if (serialMatches(s, p.serial) || serialMatches(p.serial, s)) ids.add(p.id);
      }
    }
    return [...ids];
  }

  /** Record the device an item added (in the transaction of the insert). */
  async setItemDevice(itemId: string, deviceId: string): Promise<void> {
    await this.db.updateTable('onboarding_items').set({ device_id: deviceId }).where('id', '=', itemId).execute();
  }

  /** Mark queued items as re-sent so the next sweep leaves them alone for another lease. */
  async touchQueued(ids: string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('onboarding_items').set({ updated_at: now }).where('id', 'in', ids).where('state', '=', 'queued').execute();
  }

  // Devices
  /** The device with this full serial, or whose serial ends with this short (9-character) one. */
  async deviceBySerial(serial: string): Promise<DevicePlacement | undefined> {
    const s = serial.toUpperCase();
    const rows = await this.bySerialQuery(s).execute();
    const r = rows.find((x) => serialMatches(x.serial, s));
    return r ? { id: r.id, siteId: r.siteId, companyId: r.companyId, serial: r.serial, claimProof: r.claimProof, addedBy: r.addedBy, name: r.name } : undefined;
  }

  /** The plan of deviceBySerial's query, one line per plan row (a test checks it can use its index). */
  async explainDeviceBySerial(serial: string): Promise<string> {
    const rows = await this.bySerialQuery(serial.toUpperCase()).explain();
    return rows.map((r) => Object.values(r).join(' ')).join('\n');
  }

  private bySerialQuery(s: string) {
    return (
      this.db
        .selectFrom('devices')
        .select(['id', 'site_id as siteId', 'company_id as companyId', 'serial', 'claim_proof as claimProof', 'added_by as addedBy', 'name'])
        .where(serialOrTail('serial', s))
        .limit(5)
    );
  }

  async insertDevice(d: {
    companyId: string; siteId: string; serial: string; name: string; type: string; model: string; firmwareVersion: string; firmwareCompatible: boolean | null; firmwareVerdict?: StoredFirmwareVerdict | null;
    addedVia: DeviceAddedVia; host: string | null; port: number | null; credentialsSealed: string | null; verificationCodeSealed: string | null; addedBy: string | null; status: string;
    /** How the claim was proven (decision 0005); 'none' when not given. */
    claimProof?: ClaimProof;
  }): Promise<string | undefined> {
    const r = await this.db
      .insertInto('devices')
      .values({
        company_id: d.companyId, site_id: d.siteId, serial: d.serial, name: d.name, type: d.type, model: d.model, firmware_version: d.firmwareVersion,
        firmware_compatible: d.firmwareCompatible, firmware_verdict: d.firmwareVerdict ? JSON.stringify(d.firmwareVerdict) : null, firmware_catalogue: d.firmwareVerdict !== undefined ? CATALOGUE.version : null, added_via: d.addedVia, host: d.host, port: d.port, credentials_sealed: d.credentialsSealed,
        verification_code_sealed: d.verificationCodeSealed, added_by: d.addedBy, status: d.status, claim_proof: d.claimProof ?? 'none',
      })
      .onConflict((oc) => oc.column('serial').doNothing())
      .returning('id')
      .executeTakeFirst();
    return r?.id;
  }

  async siteExists(siteId: string): Promise<boolean> {
    return (await this.db.selectFrom('sites').select('id').where('id', '=', siteId).forShare().executeTakeFirst()) !== undefined;
  }

  // The device cloud, as onboarding sees it
  /** The registration of a full or short serial, with its last known presence. */
  async cloudRegistration(serial: string): Promise<CloudRegistrationRow | undefined> {
    const s = serial.toUpperCase();
    const rows = await this.db
      .selectFrom('cloud_registrations as r')
      .leftJoin('device_presence as p', 'p.serial', 'r.serial')
      .select(['r.serial', 'r.model', 'r.type', 'r.firmware', 'p.online', 'p.firmware as presenceFirmware'])
      .where(serialOrTail('r.serial', s))
      .limit(5)
      .execute();
    return rows.find((x) => serialMatches(x.serial, s));
  }
}
