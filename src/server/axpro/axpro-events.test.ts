import { describe, expect, it } from 'vitest';
import type { Repos } from '../db/unit-of-work';
import type { StoredDomainEvent } from '../events/event.repository';
import { panelsFor } from './axpro-events';

/** Repositories as the consumer reads them: panel p1 on site s1 (company c1), user u1 has an account on p1 and p9. */
const repos = {
  axpro: {
    isPanel: async (id: string) => id === 'p1',
    devicesOfUser: async (u: string) => (u === 'u1' ? ['p1', 'p9'] : []),
    panelsOfSite: async (s: string) => (s === 's1' ? ['p1'] : []),
    panelsOfCompany: async (c: string) => (c === 'c1' ? ['p1', 'p2'] : []),
  },
} as unknown as Repos;

const ev = (type: string, payload: Record<string, unknown>, companyId: string | null = 'c1'): StoredDomainEvent => ({ id: '1', companyId, type, payload });
const healthy = { state: 'healthy', reasons: [] };
const offline = { state: 'offline', reasons: [] };

describe('panelsFor: which panels an event sends to reconcile', () => {
  it.each<[string, StoredDomainEvent, string[]]>([
    ['an AX Pro added', ev('device.added', { deviceId: 'p1', family: 'axpro' }), ['p1']],
    ['a camera added', ev('device.added', { deviceId: 'cam', family: 'camera' }), []],
    ['an AX Pro deleted (its row is gone)', ev('device.deleted', { deviceId: 'gone', type: 'axpro' }), ['gone']],
    ['a camera deleted', ev('device.deleted', { deviceId: 'cam', type: 'camera' }), []],
    ['a panel back online', ev('device.health_changed', { deviceId: 'p1', old: offline, new: healthy }), ['p1']],
    ['a panel going offline', ev('device.health_changed', { deviceId: 'p1', old: healthy, new: offline }), []],
    ['a camera back online', ev('device.health_changed', { deviceId: 'cam', old: offline, new: healthy }), []],
    ['a first health summary', ev('device.health_changed', { deviceId: 'p1', old: null, new: healthy }), []],
    ['a password change: the user\'s panels', ev('user.password_changed', { userId: 'u1' }), ['p1', 'p9']],
    ['a password captured at sign-in', ev('axpro.password_captured', { userId: 'u1' }), ['p1', 'p9']],
    ['site installers changed', ev('site.installers_changed', { siteId: 's1', added: [], removed: ['u1'] }), ['p1']],
    ['handed over', ev('site.handed_over', { siteId: 's1' }), ['p1']],
    ['authorization changed', ev('site.authorization_changed', { siteId: 's1' }), ['p1']],
    ['a user removed: their panels and the company\'s', ev('user.removed', { userId: 'u1' }), ['p1', 'p9', 'p2']],
    ['a user disabled', ev('user.updated', { userId: 'u2', disabled: true, permission: 'manage_all' }), ['p1', 'p2']],
    ['someone joined', ev('user.added', { userId: 'u3' }), ['p1', 'p2']],
    ['anything else', ev('onboarding.item_settled', { siteId: 's1' }), []],
  ])('%s', async (_n, e, expected) => {
    expect(await panelsFor(repos, e)).toEqual(expected);
  });
});
