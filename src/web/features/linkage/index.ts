import { createElement } from 'react';
import type { FeatureModule } from '../types';
import { LinkageRulesPage } from './LinkageRulesPage';

export const linkageFeature: FeatureModule = {
  id: 'linkage',
  routes: [{ path: '/linkage-rules', element: () => createElement(LinkageRulesPage), face: 'portal', title: 'Linkage rules', roles: ['installer_admin', 'installer'] }],
  nav: { label: 'Linkage rules', path: '/linkage-rules', face: 'portal', order: 83, roles: ['installer_admin', 'installer'] },
};
