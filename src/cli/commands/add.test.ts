import { describe, expect, it } from 'vitest';
import { candidateTable, exitCodeFor, pickSite, resultLine, selectCandidates, type Candidate } from './add';

const cand = (o: Partial<Candidate>): Candidate => ({
  id: o.serial ?? o.name ?? 'x', name: 'Cam', serial: null, online: true, activated: true, cloudEnabled: true, alreadyAdded: null, nextAction: 'add', error: null, guidance: [], ...o,
});

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

describe('selectCandidates', () => {
  const list = [
    cand({ serial: 'DS-2CD2143G2-IS20240101AAWRJ12345678', name: 'Gate' }),
    cand({ serial: 'DS-7608NI-K220240101AAWRK87654321', name: 'NVR', nextAction: 'none', alreadyAdded: 'this_site' }),
    cand({ serial: null, name: 'Shed', nextAction: 'connect_to_network', online: false }),
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
    expect(() => selectCandidates(list, { select: 'Q99999999' })).toThrow(expect.objectContaining({ code: 'CANDIDATE_NOT_FOUND' }));
  });
});

describe('exitCodeFor', () => {
  it('0 all added or already there, 2 pending or needs action, 1 any failure', () => {
    expect(exitCodeFor([{ state: 'added' }, { state: 'already_added' }])).toBe(0);
    expect(exitCodeFor([{ state: 'added' }, { state: 'pending' }])).toBe(2);
    expect(exitCodeFor([{ state: 'needs_action' }])).toBe(2);
    expect(exitCodeFor([{ state: 'running' }])).toBe(2);
    expect(exitCodeFor([{ state: 'pending' }, { state: 'failed' }])).toBe(1);
  });
});

describe('output', () => {
  it('a failure line carries code, message and hint; pending says it continues by itself', () => {
    const failed = resultLine({ id: 'i', candidateId: 'c', serial: 'J1', state: 'failed', step: 'verifying_code', error: { code: 'VERIFICATION_CODE_INVALID', message: 'Wrong code.', hint: 'Check the label.' }, guidance: [] }, 'Gate');
    expect(failed).toMatch(/^failed\s+Gate \(J1\): VERIFICATION_CODE_INVALID: Wrong code\.\n\s+hint: Check the label\.$/);
    expect(resultLine({ id: 'i', candidateId: 'c', serial: null, state: 'pending', step: 'waiting_online', error: null, guidance: [] }, 'Shed')).toMatch(/pending\s+Shed: offline.*by itself/);
  });
  it('the candidate table shows state, next action and the problem', () => {
    const t = candidateTable([cand({ name: 'Yard', serial: 'S1', nextAction: 'enter_password', error: { code: 'DEVICE_AUTH_FAILED', message: 'Wrong password.', hint: '' } })]);
    expect(t.split('\n')[2]).toMatch(/Yard\s+S1\s+online\s+device password\s+DEVICE_AUTH_FAILED: Wrong password\./);
  });
});
