/**
 * The I/O of adding one device: probe it, then do what `nextStep` decides — activate and follow it
 * to its DHCP address, enable its cloud service and wait for it to register, verify its code — until
 * a step ends the add; the insert writes the device, its audit row and a `device.added` event in one
 * transaction (devices.serial is unique: a second insert is a no-op).
 */
import { AppError, isAppError } from '../../errors/app-error';
import { serialMatches } from '../../protocol/qr';
import type { UnitOfWork } from '../db/unit-of-work';
import type { SecretBox } from '../security/secret-box';
import { deviceFamily } from '../devices/firmware-compat';
import { verdictFor } from '../devices/firmware-verdict';
import { DOMAIN_EVENT_TYPES } from '../events/domain-events';
import type { CandidateSpec } from './candidates';
import type { Credentials, DeviceReach } from './device-reach';
import type { BatchRow, CandidateRow, ItemOutcome, ItemRow } from './onboarding.repository';
import { alreadyAddedOutcome, errorJson, nextStep, pendingOutcome, type Decisions, type Done } from './next-step';
import { codeProven, placementKind, probeCandidate, probeContextFor, type Probe } from './probe';
import { pollUntil, type Waiting } from './polling';
import { contestClaim, proofOfAdd, type ClaimProof } from '../devices/claims';
import { releaseClaim } from '../devices/claim-release';

export interface DeviceStepSettings {
  /** How long a pending (offline) device waits to come online. */
  pendingTtlMs: number;
  cloudRegisterTimeoutMs: number;
  /** How long to look for an activated device at its new (DHCP) address. */
  followTimeoutMs: number;
  /** Between looks at the device while following it or waiting for its registration. */
  pollMs: number;
}

type Access = { host?: string; port?: number; creds?: Credentials; code?: string };

export class DeviceSteps {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly reach: DeviceReach,
    private readonly secrets: SecretBox,
    private readonly waiting: Waiting,
    private readonly settings: DeviceStepSettings,
    /** A domain event for the notifier was committed (a released claim's `device.claim_lost`). */
    private readonly eventsRecorded: () => void = () => undefined,
  ) {}

  /** Take the item's device as far as it goes; `setStep` records (and renews the lease of) each step. */
  async run(item: ItemRow, batch: BatchRow | undefined, cand: CandidateRow | undefined, setStep: (s: string) => Promise<void>): Promise<ItemOutcome> {
    if (!batch || !cand) return { state: 'failed', step: 'starting', error: errorJson(new AppError('SITE_NOT_FOUND', 'The site was deleted while the device was being added.')) };
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
    const choice: Decisions = { ...decisions, ...(spec.verificationCode ? { verificationCode: spec.verificationCode } : {}) };
    await setStep('probing');
    const placement = (serial: string) => this.uow.read.onboarding.deviceBySerial(serial);
    const by = { userId: batch.createdBy, companyId: batch.companyId };
    let p = await probeCandidate(spec, probeContextFor(this.reach, placement, batch, by));
    const serial = p.serial ?? spec.serial ?? null;
    const withSerial = (o: ItemOutcome): ItemOutcome => ({ ...o, serial: o.serial ?? serial });
    const done: Done = {};

    for (;;) {
      const step = nextStep(p, choice, done);
      switch (step.do) {
        case 'end':
          return withSerial(step.outcome);
        case 'already_added':
          return withSerial(alreadyAddedOutcome(step.where, step.where === 'this_site' ? await placement(serial!) : undefined, item.deviceId));
        case 'wait_online':
          return withSerial(pendingOutcome(this.waiting.clock.now(), item.pendingUntil, this.settings.pendingTtlMs));
        case 'activate': {
          await setStep('activating');
          try {
            await this.reach.lanClient(p.host!, p.port!, undefined, batch.siteId).activate(step.adminPassword);
            await this.auditDeviceChange('device.activate', batch, serial);
          } catch (e) {
            if (!isAppError(e, 'DEVICE_ALREADY_ACTIVATED')) throw e;
          }
          await setStep('enabling_dhcp');
          await this.reach.lanClient(p.host!, p.port!, { user: 'admin', password: step.adminPassword }, batch.siteId).setDhcp();
          await setStep('following');
          p = await this.follow(serial!, p, batch.siteId);
          done.activated = true;
          break;
        }
        case 'enable_cloud':
          await setStep('enabling_cloud');
          // Its registration account first (Mosquitto with dynamic security): it connects as soon as the code is set.
          await this.reach.openCloudRegistration(serial!);
          await this.reach.lanClient(p.host!, p.port!, step.creds, batch.siteId).enableCloud(step.code);
          await this.auditDeviceChange('device.cloud.enable', batch, serial);
          await setStep('waiting_registration');
          await this.waitForRegistration(serial!);
          p = { ...p, reachableVia: 'cloud', cloudEnabled: true, cloudRegistered: true };
          done.cloudEnabled = true;
          break;
        case 'check_cloud': {
          // Cloud service on but not bound: on a broker that refuses accounts nobody made it could not
          // connect until now; once its registration account exists it registers within moments.
          let online = (await this.reach.cloudStatus(serial!))?.online === true;
          if (!online && (await this.reach.openCloudRegistration(serial!))) {
            await setStep('waiting_registration');
            online = await this.registered(serial!);
          }
          if (online) p = { ...p, reachableVia: 'cloud', cloudRegistered: true };
          done.cloudChecked = true;
          break;
        }
        case 'add_cloud': {
          await setStep('verifying_code');
          const full = (await this.reach.cloudStatus(serial!))?.serial ?? serial!;
          if (!(await this.reach.verifyCloudCode(full, step.code, by))) return withSerial({ state: 'failed', step: 'verifying_code', error: errorJson(new AppError('VERIFICATION_CODE_INVALID')) });
          try {
            const info = await this.reach.cloudClient(full).deviceInfo();
            p = { ...p, serial: info.serialNumber, model: info.model, deviceType: info.deviceType, firmware: { ...p.firmware, version: info.firmwareVersion } };
          } catch {
            // Registration data is enough to add it; details refresh with health monitoring.
          }
          return this.insert(item, batch, { ...p, serial: full }, 'cloud', { code: step.code, ...(step.creds ? { creds: step.creds } : {}) }, cand.name, proofOfAdd({ activated: done.activated === true, codeVerified: true, credentials: step.creds !== null }));
        }
        case 'add_direct':
          // Through the site's agent when the connect policy routed it there (a private address).
          return this.insert(item, batch, p, p.route === 'agent' ? 'agent' : 'direct', { host: spec.host!, port: spec.port ?? 80, creds: { user: spec.user!, password: spec.password! } }, cand.name, 'credentials');
        case 'add_lan': {
          // A LAN device whose label code its cloud registration accepts is proven by the code too.
          const codeVerified = choice.verificationCode ? await codeProven(this.reach, serial!, choice.verificationCode, by) : false;
          return this.insert(item, batch, p, 'agent', { host: p.host!, port: p.port!, creds: step.creds }, cand.name, proofOfAdd({ activated: done.activated === true, codeVerified, credentials: true }));
        }
      }
    }
  }

  /** A change made to a device before it is added: audited by serial (it has no id yet), never with its secrets. */
  private async auditDeviceChange(action: 'device.activate' | 'device.cloud.enable', batch: BatchRow, serial: string | null): Promise<void> {
    await this.uow.read.audit.record({ companyId: batch.companyId, actorId: batch.createdBy, actorEmail: null, action, targetType: 'device', targetId: serial, outcome: 'success', details: { serial, siteId: batch.siteId, batchId: batch.id } });
  }

  /** An activated device switched to DHCP: find it again by serial on the LAN. */
  private async follow(serial: string, before: Probe, siteId: string): Promise<Probe> {
    const found = await pollUntil(this.waiting, { timeoutMs: this.settings.followTimeoutMs, intervalMs: this.settings.pollMs }, async () => {
      const lan = await this.reach.discoverLan(siteId).catch(() => null);
      return lan?.find((x) => serialMatches(x.serial, serial) && x.activated);
    });
    if (found) return { ...before, host: found.ipv4Address, port: found.httpPort, activated: true, cloudEnabled: found.cloudEnabled, online: true };
    throw new AppError('DEVICE_OFFLINE', 'The device was activated but did not come back on the network after switching to DHCP.', { hint: 'Check that the network has a DHCP server, then scan the device again.' });
  }

  private async waitForRegistration(serial: string): Promise<void> {
    if (!(await this.registered(serial))) throw new AppError('CLOUD_REGISTRATION_TIMEOUT');
  }

  /** Whether the device connects to the device cloud (registering or bound) within the registration timeout. */
  private async registered(serial: string): Promise<boolean> {
    const online = await pollUntil(this.waiting, { timeoutMs: this.settings.cloudRegisterTimeoutMs, intervalMs: this.settings.pollMs }, async () => ((await this.reach.cloudStatus(serial))?.online ? true : undefined));
    return online === true;
  }

  /**
   * Insert the device with how its claim was proven. Its serial held by another company with a
   * weak claim while this add proved it strongly: that claim is released in the same transaction
   * (decision 0005), then the device is inserted here.
   */
  private async insert(item: ItemRow, batch: BatchRow, p: Probe, via: 'cloud' | 'direct' | 'agent', access: Access, candName: string, proof: ClaimProof): Promise<ItemOutcome> {
    const serial = p.serial!;
    const family = deviceFamily(p.deviceType ?? '', p.model ?? '');
    // The compatibility catalogue's verdict for the model and firmware, stored on the row (issue 16).
    const verdict = verdictFor(p.model ?? '', p.firmware.version ?? '');
    let released = false;
    const out = await this.uow.tx(async (repos): Promise<ItemOutcome | null> => {
      const { onboarding, audit, events } = repos;
      if (!(await onboarding.siteExists(batch.siteId))) return { state: 'failed', step: 'adding', error: errorJson(new AppError('SITE_NOT_FOUND', 'The site was deleted while the device was being added.')) };
      const row = {
        companyId: batch.companyId,
        siteId: batch.siteId,
        serial,
        name: candName && candName !== serial ? candName : (p.model ?? serial),
        type: family,
        model: p.model ?? '',
        firmwareVersion: p.firmware.version ?? '',
        firmwareCompatible: verdict?.compatible ?? null,
        firmwareVerdict: verdict,
        addedVia: via,
        host: access.host ?? null,
        port: access.port ?? null,
        credentialsSealed: access.creds ? this.secrets.seal(JSON.stringify(access.creds), `device:${serial}`) : null,
        verificationCodeSealed: access.code ? this.secrets.seal(access.code, `device-code:${serial}`) : null,
        addedBy: batch.createdBy,
        status: 'online',
        claimProof: proof,
      };
      let id = await onboarding.insertDevice(row);
      if (!id) {
        const holder = await onboarding.deviceBySerial(serial);
        if (holder && holder.serial === serial && holder.companyId !== batch.companyId && contestClaim(holder.claimProof, proof) === 'challenger_takes') {
          await releaseClaim(repos, holder, { reason: 'proven_elsewhere', provenWith: proof });
          released = true;
          id = await onboarding.insertDevice(row);
        }
      }
      if (!id) return null; // someone else added it first: report what is there
      await onboarding.setItemDevice(item.id, id);
      await audit.record({ companyId: batch.companyId, actorId: batch.createdBy, actorEmail: null, action: 'device.add', targetType: 'device', targetId: id, outcome: 'success', details: { serial, via, siteId: batch.siteId, batchId: item.batchId, claimProof: proof, ...(released ? { replacedWeakClaim: true } : {}) } });
      await events.append(batch.companyId, DOMAIN_EVENT_TYPES.deviceAdded, { deviceId: id, siteId: batch.siteId, family, firmwareCompatible: verdict?.compatible ?? null, wasPending: item.pendingUntil !== null, notifyUserId: batch.createdBy });
      return { state: 'added', step: 'done', deviceId: id, serial, error: null };
    });
    if (released) this.eventsRecorded();
    if (out) return out;
    const existing = await this.uow.read.onboarding.deviceBySerial(serial);
    return { ...alreadyAddedOutcome(existing ? placementKind(existing, batch.companyId, batch.siteId) : 'this_site', existing, item.deviceId), serial };
  }
}
