import { createElement } from 'react';
import type { FeatureModule } from '../types';
import { HealthDashboard } from './HealthDashboard';

export const healthFeature: FeatureModule = {
  id: 'health',
  routes: [{ path: '/health', element: () => createElement(HealthDashboard), face: 'portal', title: 'Health', roles: ['installer_admin', 'installer'] }],
  nav: { label: 'Health', path: '/health', face: 'portal', order: 15, roles: ['installer_admin', 'installer'] },
};
