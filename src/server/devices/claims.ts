/**
 * Device claims (pure, decision 0005): how a company proved that a serial is its device, and who
 * keeps a serial two companies claim. Serials are unique across companies (devices.serial), so a
 * claim that anyone could make must not lock the rightful owner out.
 */
import type { ClaimProof } from '../db/schema';

export type { ClaimProof };

/**
 * Proofs only the device (or whoever holds it) can give: its verification code, checked against
 * the device's own cloud registration, or its activation by us. These bind a serial exclusively.
 * 'credentials' proves only that a host answering with this serial knows its own admin password —
 * a fake host can answer with any serial — and 'none' proves nothing.
 */
export function isStrongProof(p: ClaimProof): boolean {
  return p === 'code' || p === 'activation';
}

/** The proof an add gives, from what the add did to the device. */
export function proofOfAdd(a: { activated: boolean; codeVerified: boolean; credentials: boolean }): ClaimProof {
  if (a.activated) return 'activation';
  if (a.codeVerified) return 'code';
  return a.credentials ? 'credentials' : 'none';
}

/**
 * Another company holds the serial with `holder`; this company now proves `challenger`. A strong
 * proof takes the serial from a weak holder (the weak claim is released); otherwise the holder
 * keeps it (first come among equals, and a weak challenger never moves anyone).
 */
export function contestClaim(holder: ClaimProof, challenger: ClaimProof): 'challenger_takes' | 'holder_keeps' {
  return isStrongProof(challenger) && !isStrongProof(holder) ? 'challenger_takes' : 'holder_keeps';
}
