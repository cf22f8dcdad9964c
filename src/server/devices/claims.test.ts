import { describe, expect, it } from 'vitest';
import { contestClaim, isStrongProof, proofOfAdd, type ClaimProof } from './claims';

describe('device claims (decision 0005)', () => {
  it.each<[ClaimProof, boolean]>([
    ['code', true],
    ['activation', true],
    ['credentials', false],
    ['none', false],
  ])('%s is strong: %s', (p, strong) => expect(isStrongProof(p)).toBe(strong));

  it.each<[string, Parameters<typeof proofOfAdd>[0], ClaimProof]>([
    ['activated by us (then its code verified too)', { activated: true, codeVerified: true, credentials: true }, 'activation'],
    ['code verified in the device cloud', { activated: false, codeVerified: true, credentials: false }, 'code'],
    ['code verified, LAN credentials kept', { activated: false, codeVerified: true, credentials: true }, 'code'],
    ['direct or LAN add with credentials only', { activated: false, codeVerified: false, credentials: true }, 'credentials'],
    ['nothing', { activated: false, codeVerified: false, credentials: false }, 'none'],
  ])('an add %s proves %s', (_what, add, proof) => expect(proofOfAdd(add)).toBe(proof));

  const all: ClaimProof[] = ['code', 'activation', 'credentials', 'none'];
  const table = all.flatMap((holder) => all.map((challenger) => [holder, challenger, isStrongProof(challenger) && !isStrongProof(holder) ? 'challenger_takes' : 'holder_keeps'] as const));
  it.each(table)('held with %s, challenged with %s → %s', (holder, challenger, want) => expect(contestClaim(holder, challenger)).toBe(want));

  it('the rows that matter, spelled out', () => {
    expect(contestClaim('credentials', 'code')).toBe('challenger_takes');
    expect(contestClaim('none', 'activation')).toBe('challenger_takes');
    expect(contestClaim('code', 'code')).toBe('holder_keeps');
    expect(contestClaim('credentials', 'credentials')).toBe('holder_keeps');
    expect(contestClaim('activation', 'credentials')).toBe('holder_keeps');
  });
});
