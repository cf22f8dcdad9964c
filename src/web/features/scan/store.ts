/**
 * The scan flow's state between its pages (scan → confirm/select → dialogs → progress). Kept in
 * sessionStorage so a reload or a trip to the camera settings does not lose the scan. Never the
 * code's raw text (it may carry device credentials) and never a secret typed in a dialog.
 */
import { useSyncExternalStore } from 'react';
import type { Candidate, ScanResult } from '../../api/types';
import { deviceTitle, formatFirmware } from '../../ui/format';

export interface ScanFlow {
  siteId: string;
  scan: ScanResult;
  selected: string[];
  batchId?: string;
  /** Devices left out of the batch in a dialog ("Skip this device"): the progress page lists them. */
  skipped?: string[];
}

const KEY = 'sk.scanFlow';
const listeners = new Set<() => void>();
let cache: ScanFlow | null | undefined;

function read(): ScanFlow | null {
  if (cache !== undefined) return cache;
  try {
    const raw = sessionStorage.getItem(KEY);
    cache = raw ? (JSON.parse(raw) as ScanFlow) : null;
  } catch {
    cache = null;
  }
  return cache;
}

export function setScanFlow(flow: ScanFlow | null): void {
  cache = flow;
  try {
    if (flow) sessionStorage.setItem(KEY, JSON.stringify(flow));
    else sessionStorage.removeItem(KEY);
  } catch {
    // Private mode without storage: the in-memory copy still carries the flow.
  }
  for (const l of listeners) l();
}

export function updateScanFlow(patch: Partial<ScanFlow>): void {
  const cur = read();
  if (cur) setScanFlow({ ...cur, ...patch });
}

export function useScanFlow(): ScanFlow | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    read,
    () => null,
  );
}

/** A candidate's name in rows and dialogs, as for devices (see deviceTitle). */
export function candidateLabel(c: Candidate): string {
  return deviceTitle(c);
}

/**
 * The verification code typed on the manual page, for the confirm page that follows: kept in
 * memory only (never in storage), for that scan alone. A reload asks for it again.
 */
let typedCode: { scanId: string; code: string } | null = null;
export function rememberTypedCode(scanId: string, code: string): void {
  typedCode = code ? { scanId, code } : null;
}
export function typedCodeFor(scanId: string): string | undefined {
  return typedCode?.scanId === scanId ? typedCode.code : undefined;
}

/** What a candidate needs before it can be added, in words. */
export function candidateStatus(c: Candidate): string {
  if (c.alreadyAdded === 'this_site') return 'Already on this site';
  if (c.alreadyAdded === 'other_site') return 'On another of your sites';
  if (c.alreadyAdded === 'elsewhere') return 'Added by another company';
  if (c.firmware.compatible === false) return c.firmware.version ? `Firmware ${formatFirmware(c.firmware.version)} not supported` : 'Firmware not supported';
  switch (c.nextAction) {
    case 'add':
      return c.online ? 'Ready to add' : 'Ready to add (offline)';
    case 'activate':
      return 'Factory new: needs activation';
    case 'enable_cloud':
      return 'Cloud service off: needs enabling';
    case 'enter_verification_code':
      return 'Needs its verification code';
    case 'enter_password':
      return c.error?.code === 'DEVICE_AUTH_FAILED' ? 'Password in the code refused: needs its admin password' : 'Needs its admin password';
    case 'connect_to_network':
      return 'Offline: connect it to the network';
    case 'none':
      // An address that did not answer as a device, or that is not an address: the error says which.
      if (c.error?.code === 'DEVICE_UNREACHABLE') return 'No device answered at this address';
      return c.error ? 'Cannot be added' : 'Already added';
  }
}

/** A candidate can be ticked unless it is already here or elsewhere. */
export function selectable(c: Candidate): boolean {
  return c.alreadyAdded !== 'this_site' && c.alreadyAdded !== 'elsewhere' && c.nextAction !== 'none';
}

export function newIdempotencyKey(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}
