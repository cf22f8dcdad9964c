import { createElement } from 'react';
import type { FeatureModule } from '../types';
import { WebhooksPage } from './WebhooksPage';

export const webhooksFeature: FeatureModule = {
  id: 'webhooks',
  routes: [{ path: '/webhooks', element: () => createElement(WebhooksPage), face: 'portal', title: 'Webhooks', roles: ['installer_admin'] }],
  nav: { label: 'Webhooks', path: '/webhooks', face: 'portal', order: 85, roles: ['installer_admin'] },
};
