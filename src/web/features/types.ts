/**
 * A feature adds its pages and its navigation entry through one FeatureModule, registered in
 * features/index.ts. Nothing else in the app needs to change for a new feature.
 */
import type { ComponentType, ReactNode } from 'react';

export type Face = 'mobile' | 'portal';

export interface FeatureRoute {
  /** Pattern such as `/sites/:siteId`; the mobile face lives under `/m`. */
  path: string;
  element: () => ReactNode;
  face: Face;
  /** Public routes (sign-in, setup, invitation) render without a session. */
  public?: boolean;
  /** Roles allowed; default: any signed-in installer. */
  roles?: ReadonlyArray<'installer_admin' | 'installer' | 'end_user'>;
  /** Shown in the document title. */
  title?: string;
}

export interface NavEntry {
  label: string;
  path: string;
  icon?: string;
  face: Face;
  /** Lower comes first. */
  order?: number;
  roles?: ReadonlyArray<'installer_admin' | 'installer' | 'end_user'>;
  /** Shown after the label, e.g. an unread count. */
  badge?: ComponentType;
}

export interface FeatureModule {
  id: string;
  routes: FeatureRoute[];
  nav?: NavEntry | NavEntry[];
}
