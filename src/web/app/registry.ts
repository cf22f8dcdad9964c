import type { Face, FeatureModule, FeatureRoute, NavEntry } from '../features/types';
import { matchPath } from './router';

export interface MatchedRoute {
  route: FeatureRoute;
  params: Record<string, string>;
  featureId: string;
}

/** Static segments win over :params of the same length (`/sites/new` before `/sites/:id`). */
function paramCount(path: string): number {
  return path.split('/').filter((s) => s.startsWith(':') || s === '*').length;
}

export function buildRegistry(features: readonly FeatureModule[]) {
  const ids = new Set<string>();
  for (const f of features) {
    if (ids.has(f.id)) throw new Error(`Feature id "${f.id}" is registered twice`);
    ids.add(f.id);
  }
  const routes = features
    .flatMap((f) => f.routes.map((route) => ({ route, featureId: f.id })))
    .sort((a, b) => paramCount(a.route.path) - paramCount(b.route.path));
  const nav: NavEntry[] = features
    .flatMap((f) => (f.nav ? (Array.isArray(f.nav) ? f.nav : [f.nav]) : []))
    .sort((a, b) => (a.order ?? 100) - (b.order ?? 100));

  return {
    match(pathname: string): MatchedRoute | null {
      for (const { route, featureId } of routes) {
        const params = matchPath(route.path, pathname);
        if (params) return { route, params, featureId };
      }
      return null;
    },
    nav(face: Face, role: string | undefined): NavEntry[] {
      return nav.filter((n) => n.face === face && (!n.roles || (role !== undefined && n.roles.includes(role as never))));
    },
  };
}

export type Registry = ReturnType<typeof buildRegistry>;
