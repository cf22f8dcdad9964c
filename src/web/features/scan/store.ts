/**
 * The scan flow's state between its pages (scan → confirm/select → dialogs → progress). Kept in
 * sessionStorage so a reload or a trip to the camera settings does not lose the scan.
 */
import { useSyncExternalStore } from 'react';
import type { Candidate, ScanResult } from '../../api/types';

export interface ScanFlow {
  siteId: string;
  scan: ScanResult;
  /** The decoded text, for display; absent when the server decoded a photo. */
  text?: string;
  selected: string[];
  batchId?: string;
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

export function candidateLabel(c: Candidate): string {
  return c.name || [c.model, c.serial].filter(Boolean).join(' · ') || c.host || 'Device';
}

/** What a candidate needs before it can be added, in words. */
export function candidateStatus(c: Candidate): string {
  if (c.alreadyAdded === 'this_site') return 'Already on this site';
  if (c.alreadyAdded === 'other_site') return 'On another of your sites';
  if (c.alreadyAdded === 'elsewhere') return 'Added by another company';
  if (c.firmware.compatible === false) return `Firmware ${c.firmware.version ?? ''} not supported`.trim();
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
      return 'Already added';
  }
}

/** A candidate can be ticked unless it is already here or elsewhere. */
export function selectable(c: Candidate): boolean {
  return c.alreadyAdded !== 'this_site' && c.alreadyAdded !== 'elsewhere' && c.nextAction !== 'none';
}

export function newIdempotencyKey(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

export const SITE_KEY = 'sk.siteId';
export function rememberedSiteId(): string | null {
  try {
    return localStorage.getItem(SITE_KEY);
  } catch {
    return null;
  }
}
export function rememberSiteId(id: string): void {
  try {
    localStorage.setItem(SITE_KEY, id);
  } catch {
    // Storage unavailable: the picker simply asks again next time.
  }
}
