import { createElement } from 'react';
import type { FeatureModule } from '../types';
import { InstallersPage } from './InstallersPage';

export const installersFeature: FeatureModule = {
  id: 'installers',
  routes: [{ path: '/installers', element: () => createElement(InstallersPage), face: 'portal', roles: ['installer_admin'] }],
  nav: { label: 'Installers', path: '/installers', face: 'portal', order: 30, roles: ['installer_admin'] },
};
