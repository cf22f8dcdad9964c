import { describe, expect, it } from 'vitest';
import { isSiteId, pickSite, selectCandidates } from './select';
import type { Candidate } from '../api/onboarding';

type Cand = Pick<Candidate, 'name' | 'serial' | 'nextAction' | 'alreadyAdded'>;
const cand = (o: Partial<Cand>): Cand => ({ name: 'Cam', serial: null, nextAction: 'add', alreadyAdded: null, ...o });

describe('pickSite', () => {
  const sites = [{ id: '1', name: 'Warehouse' }, { id: '2', name: 'Warehouse annex' }, { id: '3', name: 'Shop' }];
  it('an exact (case-insensitive) name wins over partial matches', () => {
    expect(pickSite('warehouse', sites).id).toBe('1');
  });
  it('a single partial result is taken; several are ambiguous; none is not found', () => {
    expect(pickSite('Sho', [sites[2]!]).id).toBe('3');
    expect(() => pickSite('Ware', sites.slice(0, 2))).toThrow(/matches 2 sites/);
    expect(() => pickSite('Nowhere', [])).toThrow(expect.objectContaining({ code: 'SITE_NOT_FOUND' }));
  });
});

describe('isSiteId', () => {
  it('a UUID is an id (looked up by nobody); anything else is a name', () => {
    expect(isSiteId('3F2504E0-4F89-41D3-9A0C-0305E82C3301')).toBe(true);
    expect(isSiteId('Warehouse')).toBe(false);
    expect(isSiteId('3f2504e0-4f89-41d3-9a0c-0305e82c330')).toBe(false);
  });
});

describe('selectCandidates', () => {
  const list = [
    cand({ serial: 'DS-2CD2143G2-IS20240101AAWRJ12345678', name: 'Gate' }),
    cand({ serial: 'DS-7608NI-K220240101AAWRK87654321', name: 'NVR', nextAction: 'none', alreadyAdded: 'this_site' }),
    cand({ serial: null, name: 'Shed', nextAction: 'connect_to_network' }),
  ];
  it('by default every device with something to do', () => {
    expect(selectCandidates(list, {}).map((c) => c.name)).toEqual(['Gate', 'Shed']);
  });
  it('--all takes everything; --select by full serial, label serial or name', () => {
    expect(selectCandidates(list, { all: true })).toHaveLength(3);
    expect(selectCandidates(list, { select: 'J12345678, shed' }).map((c) => c.name)).toEqual(['Gate', 'Shed']);
    expect(selectCandidates(list, { select: 'DS-7608NI-K220240101AAWRK87654321' }).map((c) => c.name)).toEqual(['NVR']);
  });
  it('--select with a serial that is not in the code fails and lists what is', () => {
    expect(() => selectCandidates(list, { select: 'Q99999999' })).toThrow(expect.objectContaining({ code: 'CANDIDATE_NOT_FOUND', hint: expect.stringContaining('Shed') }));
  });
});
