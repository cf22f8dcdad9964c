import { createElement } from 'react';
import type { FeatureModule } from '../types';
import { EmailPage } from './EmailPage';

export const emailFeature: FeatureModule = {
  id: 'email',
  routes: [{ path: '/email', element: () => createElement(EmailPage), face: 'portal', title: 'E-mail', roles: ['installer_admin'] }],
  nav: { label: 'E-mail', path: '/email', face: 'portal', order: 86, roles: ['installer_admin'] },
};
