import { createElement } from 'react';
import type { FeatureModule } from '../types';
import { AuditPage } from './AuditPage';

export const auditFeature: FeatureModule = {
  id: 'audit',
  routes: [{ path: '/audit', element: () => createElement(AuditPage), face: 'portal', roles: ['installer_admin'] }],
  nav: { label: 'Audit log', path: '/audit', face: 'portal', order: 90, roles: ['installer_admin'] },
};
