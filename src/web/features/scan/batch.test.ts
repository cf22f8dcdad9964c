import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import type { BatchItem } from '../../api/types';
import { endAction, endMessage, mergeItems, PROBLEM, retryOutcome, stepLabel, TERMINAL } from './batch';
import { lockedBy } from './ScanPage';

const item = (over: Partial<BatchItem> = {}): BatchItem => ({
  id: 'i1',
  candidateId: 'c1',
  name: 'Gate camera',
  serial: 'E1',
  state: 'queued',
  step: 'queued',
  deviceId: null,
  error: null,
  pendingUntil: null,
  guidance: [],
  latestRetry: null,
  ...over,
});

describe('batch progress', () => {
  it('keeps the latest item per candidate', () => {
    const a = mergeItems({}, [item(), item({ id: 'i2', candidateId: 'c2' })]);
    const b = mergeItems(a, [item({ state: 'added', step: 'done' })]);
    expect(b.c1?.state).toBe('added');
    expect(b.c2?.state).toBe('queued');
    expect(a.c1?.state).toBe('queued'); // not mutated
  });

  it('says where a device is, or what went wrong', () => {
    expect(stepLabel(undefined)).toBe('Waiting to start');
    expect(stepLabel(item({ state: 'running', step: 'activating' }))).toBe('Activating');
    expect(stepLabel(item({ state: 'running', step: 'some_new_step' }))).toBe('some new step');
    expect(stepLabel(item({ state: 'pending', step: 'waiting_online' }))).toBe('Waiting for the device to come online');
    expect(stepLabel(item({ state: 'failed', error: { code: 'DEVICE_AUTH_FAILED', message: 'Refused.', hint: 'h' } }))).toBe('Refused.');
    expect(stepLabel(item({ state: 'added', step: 'done' }))).toBe('Added');
  });

  it('treats pending as neither finished nor a problem', () => {
    expect(TERMINAL.has('pending')).toBe(false);
    expect(PROBLEM.has('needs_action')).toBe(true);
    expect(TERMINAL.has('already_added')).toBe(true);
  });
});

describe('locked multi-device codes', () => {
  it('recognises the server asking for the QR password, or refusing it', () => {
    expect(lockedBy(new ApiError(422, { code: 'QR_PASSWORD_REQUIRED', message: 'm', hint: 'h' }))).toBe('required');
    expect(lockedBy(new ApiError(422, { code: 'QR_PASSWORD_WRONG', message: 'm', hint: 'h' }))).toBe('wrong');
    expect(lockedBy(new ApiError(422, { code: 'QR_NOT_FOUND', message: 'm', hint: 'h' }))).toBe(null);
  });
});

describe('a retried device on its first batch\'s page', () => {
  const retry = (over: Partial<NonNullable<BatchItem['latestRetry']>> = {}): NonNullable<BatchItem['latestRetry']> => ({ batchId: 'b2', itemId: 'i2', state: 'added', step: 'done', deviceId: 'd1', error: null, ...over });
  it('says how the latest retry went', () => {
    expect(retryOutcome(retry())).toBe('Added by a later retry');
    expect(retryOutcome(retry({ state: 'running', step: 'verifying_code' }))).toBe('Being retried: Checking the verification code');
    expect(retryOutcome(retry({ state: 'failed', error: { code: 'DEVICE_AUTH_FAILED', message: 'Refused.', hint: 'h' } }))).toBe('A later retry failed too: Refused.');
    expect(retryOutcome(retry({ state: 'pending', step: 'waiting_online' }))).toBe('A later retry waits for it to come online');
  });
});

describe('the end of a progress stream', () => {
  it('stops for good when the caller may not follow any more, reconnects when the stream only ran out', () => {
    expect(endAction('done', true)).toBe('stop');
    expect(endAction('settled', false)).toBe('stop');
    expect(endAction('settled', true)).toBe('reconnect');
    expect(endAction('signed_out', true)).toBe('stop');
    expect(endAction('access_lost', true)).toBe('stop');
    expect(endAction('timeout', true)).toBe('reconnect');
    expect(endAction('shutdown', false)).toBe('reconnect');
    expect(endAction('unavailable', true)).toBe('reconnect');
    expect(endAction('something-new', true)).toBe('stop');
    expect(endMessage('signed_out')).toMatch(/signed out/);
    expect(endMessage('access_lost')).toMatch(/no longer have access/);
    expect(endMessage('done')).toBeNull();
  });
});
