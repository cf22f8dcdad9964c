import { createElement } from 'react';
import type { FeatureModule } from '../types';
import { ConfirmPage } from './ConfirmPage';
import { HomePage } from './HomePage';
import { ManualPage } from './ManualPage';
import { OfflinePage, ProgressPage } from './ProgressPage';
import { ScanPage } from './ScanPage';
import { SelectPage } from './SelectPage';

/** The phone face: pick a site, scan a label, answer what the device needs, watch it join. */
export const scanFeature: FeatureModule = {
  id: 'scan',
  routes: [
    { path: '/m', element: () => createElement(HomePage), face: 'mobile' },
    { path: '/m/scan', element: () => createElement(ScanPage), face: 'mobile' },
    { path: '/m/confirm', element: () => createElement(ConfirmPage), face: 'mobile' },
    { path: '/m/select', element: () => createElement(SelectPage), face: 'mobile' },
    { path: '/m/manual', element: () => createElement(ManualPage), face: 'mobile' },
    { path: '/m/progress/:batchId', element: () => createElement(ProgressPage), face: 'mobile' },
    { path: '/m/offline/:batchId', element: () => createElement(OfflinePage), face: 'mobile' },
  ],
  nav: { label: 'Add', path: '/m', face: 'mobile', order: 10 },
};
