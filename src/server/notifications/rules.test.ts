import { describe, expect, it } from 'vitest';
import { notificationsFor } from './rules';
import type { DeviceClaimLostPayload, ItemSettledPayload } from '../events/domain-events';

const names = { siteName: (id: string) => (id === 'site-1' ? 'Warehouse' : undefined) };
const base: ItemSettledPayload = { batchId: 'b1', itemId: 'i1', siteId: 'site-1', serial: 'DS1234', name: 'Gate camera', state: 'added', deviceId: 'd1', error: null, notifyUserId: 'u1' };
const ev = (payload: Partial<ItemSettledPayload>, type = 'onboarding.item_settled') => ({ id: '7', companyId: 'c1', type, payload: { ...base, ...payload } as unknown as Record<string, unknown> });

describe('notification rules', () => {
  it('a waiting device that was added tells the installer, with a link to the device', () => {
    const [n, ...rest] = notificationsFor(ev({}), names);
    expect(rest).toEqual([]);
    expect(n).toMatchObject({ companyId: 'c1', userId: 'u1', kind: 'device.online_added', severity: 'success', link: '/devices/d1' });
    expect(n!.title).toBe('Gate camera is online and was added');
    expect(n!.body).toContain('Gate camera (DS1234) came online and was added to Warehouse');
  });

  it('an expired wait says what to do next', () => {
    const [n] = notificationsFor(ev({ state: 'failed', deviceId: null, error: { code: 'ONBOARDING_EXPIRED', message: 'expired', hint: 'Connect the device and scan again.' } }), names);
    expect(n).toMatchObject({ kind: 'onboarding.expired', severity: 'warning', link: '/m/progress/b1' });
    expect(n!.body).toContain('Connect the device and scan again.');
  });

  it('a failure carries the error message and hint; needs-action says what is needed', () => {
    const [f] = notificationsFor(ev({ state: 'failed', error: { code: 'VERIFICATION_CODE_INVALID', message: 'The verification code is wrong.', hint: 'Read it from the label.' } }), names);
    expect(f).toMatchObject({ kind: 'onboarding.failed', severity: 'error', data: expect.objectContaining({ errorCode: 'VERIFICATION_CODE_INVALID' }) });
    expect(f!.body).toContain('The verification code is wrong. Read it from the label.');
    const [a] = notificationsFor(ev({ state: 'needs_action', error: { code: 'ADMIN_PASSWORD_REQUIRED', message: 'Choose an admin password.' } }), names);
    expect(a).toMatchObject({ kind: 'onboarding.needs_action', severity: 'warning' });
    expect(a!.body).toContain('Choose an admin password.');
  });

  it('unknown sites read as "the site"; no recipient or other events give nothing', () => {
    expect(notificationsFor(ev({ siteId: 'gone' }), names)[0]!.body).toContain('added to the site');
    expect(notificationsFor(ev({ notifyUserId: null }), names)).toEqual([]);
    expect(notificationsFor(ev({}, 'user.password_changed'), names)).toEqual([]);
    expect(notificationsFor({ ...ev({}), companyId: null }, names)).toEqual([]);
  });

  it('a released weak claim tells the installer who added it, never who proved it (decision 0005)', () => {
    const lost: DeviceClaimLostPayload = { deviceId: 'd9', siteId: 'site-1', serial: 'DS1234', name: 'Gate camera', claimProof: 'credentials', reason: 'proven_elsewhere', notifyUserId: 'u1' };
    const row = (p: Partial<DeviceClaimLostPayload>) => ({ id: '8', companyId: 'c1', type: 'device.claim_lost', payload: { ...lost, ...p } as unknown as Record<string, unknown> });
    const [n, ...rest] = notificationsFor(row({}), names);
    expect(rest).toEqual([]);
    expect(n).toMatchObject({ companyId: 'c1', userId: 'u1', kind: 'device.claim_lost', severity: 'warning', link: '/sites/site-1/devices', data: { serial: 'DS1234', reason: 'proven_elsewhere' } });
    expect(n!.body).toContain('Gate camera (DS1234) was removed from Warehouse');
    expect(n!.body).toMatch(/add it again by scanning its label/);
    expect(notificationsFor(row({ reason: 'disputed' }), names)[0]!.body).toContain('disputed');
    expect(notificationsFor(row({ notifyUserId: null }), names)).toEqual([]);
  });
});
