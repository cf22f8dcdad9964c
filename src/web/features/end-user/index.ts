import { createElement } from 'react';
import type { FeatureModule } from '../types';
import { AcceptSiteInvitationPage, MySitePage, MySitesPage } from './pages';

/** The end-user app (decision 0015): phone first, end users only (the invitation page is public). */
export const endUserFeature: FeatureModule = {
  id: 'end-user',
  routes: [
    { path: '/app/invite', element: () => createElement(AcceptSiteInvitationPage), face: 'mobile', public: true, title: 'Your site' },
    { path: '/app', element: () => createElement(MySitesPage), face: 'mobile', roles: ['end_user'], title: 'My sites' },
    { path: '/app/sites/:siteId', element: () => createElement(MySitePage), face: 'mobile', roles: ['end_user'], title: 'Site' },
  ],
  nav: { label: 'My sites', path: '/app', face: 'mobile', order: 1, roles: ['end_user'] },
};
