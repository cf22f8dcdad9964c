import { createElement } from 'react';
import type { FeatureModule } from '../types';
import { NotificationsPage } from './NotificationsPage';
import { UnreadBadge } from './UnreadBadge';

export const notificationsFeature: FeatureModule = {
  id: 'notifications',
  routes: [
    { path: '/notifications', element: () => createElement(NotificationsPage), face: 'portal', title: 'Notifications' },
    { path: '/m/notifications', element: () => createElement(NotificationsPage), face: 'mobile', title: 'Notifications' },
  ],
  nav: [
    { label: 'Notifications', path: '/notifications', face: 'portal', order: 80, badge: UnreadBadge },
    { label: 'Notifications', path: '/m/notifications', face: 'mobile', order: 30, badge: UnreadBadge },
  ],
};
