import { describe, expect, it } from 'vitest';
import type { FeatureModule } from '../features/types';
import { buildRegistry } from './registry';
import { matchPath } from './router';

const el = () => null;

describe('feature registry', () => {
  const a: FeatureModule = {
    id: 'sites',
    routes: [
      { path: '/sites/:siteId', element: el, face: 'portal' },
      { path: '/sites/new', element: el, face: 'portal' },
    ],
    nav: { label: 'Sites', path: '/sites', face: 'portal', order: 2 },
  };
  const b: FeatureModule = {
    id: 'audit',
    routes: [{ path: '/audit', element: el, face: 'portal', roles: ['installer_admin'] }],
    nav: { label: 'Audit', path: '/audit', face: 'portal', order: 1, roles: ['installer_admin'] },
  };

  it('matches static segments before params and returns params', () => {
    const r = buildRegistry([a, b]);
    expect(r.match('/sites/new')?.route.path).toBe('/sites/new');
    expect(r.match('/sites/s-1')?.params).toEqual({ siteId: 's-1' });
    expect(r.match('/nowhere')).toBeNull();
  });

  it('filters nav by face and role, in order', () => {
    const r = buildRegistry([a, b]);
    expect(r.nav('portal', 'installer_admin').map((n) => n.label)).toEqual(['Audit', 'Sites']);
    expect(r.nav('portal', 'installer').map((n) => n.label)).toEqual(['Sites']);
    expect(r.nav('mobile', 'installer_admin')).toEqual([]);
  });

  it('refuses a feature registered twice', () => {
    expect(() => buildRegistry([a, a])).toThrow(/twice/);
  });

  it('matchPath handles trailing slashes, wildcards and bad escapes', () => {
    expect(matchPath('/m/scan', '/m/scan/')).toEqual({});
    expect(matchPath('/docs/*', '/docs/a/b')).toEqual({});
    expect(matchPath('/d/:id', '/d/%E0%A4%A')).toBeNull();
    expect(matchPath('/d/:id', '/d/a/b')).toBeNull();
  });
});
