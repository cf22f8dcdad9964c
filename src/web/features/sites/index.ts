import { createElement } from 'react';
import type { FeatureModule } from '../types';
import { NewSitePage, SitePage, SitesPage } from './pages';

export const sitesFeature: FeatureModule = {
  id: 'sites',
  routes: [
    { path: '/sites', element: () => createElement(SitesPage), face: 'portal' },
    { path: '/sites/new', element: () => createElement(NewSitePage), face: 'portal' },
    { path: '/sites/:siteId', element: () => createElement(SitePage), face: 'portal' },
  ],
  nav: { label: 'Sites', path: '/sites', face: 'portal', order: 10 },
};
