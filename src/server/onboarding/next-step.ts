/**
 * The decision tree of adding one device, pure: from what the device looks like now (its probe),
 * what the installer chose and what this run already did, the next thing the job does. The job
 * (device-job.ts) does the step's I/O, updates the probe and asks again until a step ends the add.
 * Every branch is table-tested in next-step.test.ts; the e2e tests prove the wiring.
 */
import { AppError } from '../../errors/app-error';
import type { Credentials } from './device-reach';
import type { ItemOutcome } from './onboarding.repository';
import type { AlreadyAdded, Probe } from './probe';

export const VERIFICATION_CODE_RULE = /^[A-Za-z0-9]{6,12}$/;

export interface Decisions {
  verificationCode?: string;
  /** New admin password for factory-new devices (activation). */
  adminPassword?: string;
  /** Existing admin password of an activated device (LAN steps such as enabling the cloud service). */
  devicePassword?: string;
}

/** What this run of the job already did to the device (the probe alone cannot tell). */
export interface Done {
  /** Activated with the chosen admin password, DHCP on, followed to its new address. */
  activated?: boolean;
  /** Cloud service enabled with the chosen code and registered. */
  cloudEnabled?: boolean;
  /** Its cloud service was on: looked whether it is registered now. */
  cloudChecked?: boolean;
}

export type Step =
  /** The add ends here with this outcome. */
  | { do: 'end'; outcome: ItemOutcome }
  /** The device is already on a site: success if our own earlier attempt added it. */
  | { do: 'already_added'; where: AlreadyAdded }
  /** Offline: pending until it comes online, or expired. */
  | { do: 'wait_online' }
  /** Activate on the LAN, switch DHCP on, follow it to its new address. */
  | { do: 'activate'; adminPassword: string }
  /** Enable the cloud service on the LAN with this code, wait for it to register. */
  | { do: 'enable_cloud'; code: string; creds: Credentials }
  /** On the LAN with the cloud service on: it may be registering right now. */
  | { do: 'check_cloud' }
  /** Verify the code in the device cloud and add it there (with LAN credentials when we have them). */
  | { do: 'add_cloud'; code: string; creds: Credentials | null }
  /** Add it by host and port with the credentials of the code. */
  | { do: 'add_direct' }
  /** Add it as a LAN device (through the site agent). */
  | { do: 'add_lan'; creds: Credentials };

export function errorJson(e: AppError): { code: string; message: string; hint: string } {
  return { code: e.code, message: e.message, hint: e.hint };
}

const needs = (e: AppError): Step => ({ do: 'end', outcome: { state: 'needs_action', step: 'probing', error: errorJson(e) } });
const fails = (e: AppError): Step => ({ do: 'end', outcome: { state: 'failed', step: 'probing', error: errorJson(e) } });

/** The credentials for LAN steps: the password we activated it with, else the one the installer gave. */
function lanCreds(d: Decisions, done: Done): Credentials | null {
  const password = done.activated ? d.adminPassword : (d.devicePassword ?? d.adminPassword);
  return password ? { user: 'admin', password } : null;
}

/** `decisions.verificationCode`: the installer's choice, else the code from the label. */
export function nextStep(p: Probe, decisions: Decisions, done: Done = {}): Step {
  if (p.alreadyAdded) return { do: 'already_added', where: p.alreadyAdded };

  if (p.reachableVia === 'direct' && !p.online) {
    // Added by address: nothing to wait for. No password in the code: ask for it; else the address
    // did not answer as a device (DEVICE_UNREACHABLE with its guidance) and the add fails at once.
    if (p.nextAction === 'enter_password' && !p.error) return needs(new AppError('DEVICE_PASSWORD_REQUIRED'));
    return { do: 'end', outcome: { state: 'failed', step: 'probing', error: p.error ?? errorJson(new AppError('DEVICE_UNREACHABLE')) } };
  }
  // A cloud or LAN device (by serial or label) that is offline: pending until it comes online.
  if (p.reachableVia === null || !p.online) return { do: 'wait_online' };

  if (p.reachableVia === 'direct') {
    if (p.nextAction === 'enter_password') return { do: 'end', outcome: { state: p.error ? 'failed' : 'needs_action', step: 'probing', error: p.error ?? errorJson(new AppError('DEVICE_PASSWORD_REQUIRED')) } };
    if (p.nextAction === 'activate') return fails(new AppError('DEVICE_NOT_ACTIVATED', 'This device is not activated, so it cannot be added by IP address yet.', { hint: 'Activate it first: scan its label on the same network, or use the SADP tool.' }));
    return { do: 'add_direct' };
  }

  const code = decisions.verificationCode;
  const creds = done.activated || done.cloudEnabled || done.cloudChecked || p.reachableVia === 'lan' ? lanCreds(decisions, done) : null;
  if (p.reachableVia === 'lan') {
    if (p.activated === false && !done.activated) return decisions.adminPassword ? { do: 'activate', adminPassword: decisions.adminPassword } : needs(new AppError('ADMIN_PASSWORD_REQUIRED'));
    if (p.cloudEnabled === false) {
      if (!code) return needs(new AppError('VERIFICATION_CODE_REQUIRED', 'Choose a verification code to enable the cloud service (6 to 12 letters or digits).'));
      if (!VERIFICATION_CODE_RULE.test(code)) return fails(new AppError('VERIFICATION_CODE_RULES'));
      if (!creds) return needs(new AppError('DEVICE_PASSWORD_REQUIRED'));
      return { do: 'enable_cloud', code, creds };
    }
    if (!done.cloudChecked) return { do: 'check_cloud' };
    // On the LAN with the cloud service on but not connected: keep it as a LAN device if we can log in.
    return creds ? { do: 'add_lan', creds } : needs(new AppError('DEVICE_PASSWORD_REQUIRED'));
  }

  if (!code) return needs(new AppError('VERIFICATION_CODE_REQUIRED'));
  return { do: 'add_cloud', code, creds };
}

/** An offline device: pending until `pendingUntil` (set on its first wait), then expired. */
export function pendingOutcome(now: Date, pendingUntil: Date | null, pendingTtlMs: number): ItemOutcome {
  const until = pendingUntil ?? new Date(now.getTime() + pendingTtlMs);
  if (until <= now) return { state: 'failed', step: 'waiting_online', error: errorJson(new AppError('ONBOARDING_EXPIRED')) };
  return { state: 'pending', step: 'waiting_online', pendingUntil: until, error: errorJson(new AppError('DEVICE_OFFLINE', 'The device is offline; it stays pending and is added as soon as it comes online.')) };
}

/**
 * A device already on a site. `onThisSite`: the device, when it is on the site being added to;
 * `itemDeviceId`: what this item added before (a crash after the insert).
 */
export function alreadyAddedOutcome(where: AlreadyAdded, onThisSite: { id: string } | undefined, itemDeviceId: string | null): ItemOutcome {
  if (where === 'this_site') {
    // Our own earlier attempt (before a crash) added it: that is success, not a duplicate.
    if (onThisSite && itemDeviceId === onThisSite.id) return { state: 'added', step: 'done', deviceId: onThisSite.id };
    return { state: 'already_added', step: 'done', deviceId: onThisSite?.id ?? null, error: errorJson(new AppError('DEVICE_ALREADY_ADDED')) };
  }
  return { state: 'failed', step: 'probing', error: errorJson(new AppError(where === 'other_site' ? 'DEVICE_ON_OTHER_SITE' : 'DEVICE_BOUND_ELSEWHERE')) };
}
