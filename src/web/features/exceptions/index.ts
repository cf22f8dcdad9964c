import { createElement } from 'react';
import type { FeatureModule } from '../types';
import { ExceptionRulesPage } from './ExceptionRulesPage';

export const exceptionsFeature: FeatureModule = {
  id: 'exceptions',
  routes: [{ path: '/exception-rules', element: () => createElement(ExceptionRulesPage), face: 'portal', title: 'Exception rules', roles: ['installer_admin', 'installer'] }],
  nav: { label: 'Exception rules', path: '/exception-rules', face: 'portal', order: 82, roles: ['installer_admin', 'installer'] },
};
