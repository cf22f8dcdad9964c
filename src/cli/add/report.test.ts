import { describe, expect, it } from 'vitest';
import { batchLine, candidateTable, exitCodeFor, progressOf, resultLine } from './report';
import type { Candidate } from '../api/onboarding';

type Row = Parameters<typeof candidateTable>[0][number];
const row = (o: Partial<Row>): Row => ({ name: 'Cam', serial: null, online: true, activated: true, cloudEnabled: true, alreadyAdded: null, nextAction: 'add', error: null, ...o });

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
    const failed = resultLine({ serial: 'J1', state: 'failed', step: 'verifying_code', error: { code: 'VERIFICATION_CODE_INVALID', message: 'Wrong code.', hint: 'Check the label.' } }, 'Gate');
    expect(failed).toMatch(/^failed\s+Gate \(J1\): VERIFICATION_CODE_INVALID: Wrong code\.\n\s+hint: Check the label\.$/);
    expect(resultLine({ serial: null, state: 'pending', step: 'waiting_online', error: null }, 'Shed')).toMatch(/pending\s+Shed: offline.*by itself/);
  });
  it('added, already added, and a state still running name the device once when its name is its serial', () => {
    expect(resultLine({ serial: 'J1', state: 'added', step: 'done', error: null }, 'J1')).toBe('added          J1');
    expect(resultLine({ serial: 'J1', state: 'already_added', step: 'done', error: null }, 'Gate')).toBe('already added  Gate (J1)');
    expect(resultLine({ serial: null, state: 'running', step: 'activating', error: null }, 'Gate')).toBe('running        Gate: still activating');
  });
  it('the candidate table shows state, next action and the problem', () => {
    const t = candidateTable([row({ name: 'Yard', serial: 'S1', nextAction: 'enter_password', error: { code: 'DEVICE_AUTH_FAILED', message: 'Wrong password.', hint: '' } })]);
    expect(t.split('\n')[2]).toMatch(/Yard\s+S1\s+online\s+device password\s+DEVICE_AUTH_FAILED: Wrong password\./);
  });
  it('the table says offline, not activated, cloud off, already added; an action it does not know is shown by name', () => {
    const t = candidateTable([
      row({ name: 'A', online: false }),
      row({ name: 'B', activated: false, cloudEnabled: false, nextAction: 'activate' }),
      row({ name: 'C', alreadyAdded: 'other_site', nextAction: 'none' }),
      row({ name: 'D', nextAction: 'reboot_first' as Candidate['nextAction'] }),
    ]).split('\n');
    expect(t[2]).toMatch(/^A\s+-\s+offline\s+add$/);
    expect(t[3]).toMatch(/^B\s+-\s+online, not activated, cloud off\s+activate \(admin password\)$/);
    expect(t[4]).toMatch(/^C\s+-\s+on another site\s+-$/);
    expect(t[5]).toMatch(/^D\s+-\s+online\s+reboot_first$/);
  });
  it('the batch line counts each state in words', () => {
    expect(batchLine('b1', { added: 2, needs_action: 1 })).toBe('Batch b1: 2 added, 1 needs action.');
  });
});

describe('progressOf', () => {
  const names = new Map([['c1', 'Gate'], ['c2', 'Yard']]);
  it('counts finished and pending devices and names the one being worked on', () => {
    const p = progressOf(
      [
        { candidateId: 'c1', state: 'added', step: 'done' },
        { candidateId: 'c2', state: 'running', step: 'activating' },
        { candidateId: 'c3', state: 'pending', step: 'waiting_online' },
        { candidateId: 'c4', state: 'queued', step: '' },
      ],
      (id) => names.get(id),
    );
    expect(p).toEqual({ finished: 2, detail: 'Yard activating' });
    expect(progressOf([{ candidateId: 'c3', state: 'running', step: 'x' }], (id) => names.get(id))).toEqual({ finished: 0, detail: ' x' });
  });
});
