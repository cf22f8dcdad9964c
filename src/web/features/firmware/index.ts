import { createElement } from 'react';
import type { FeatureModule } from '../types';
import { FirmwarePage } from './FirmwarePage';

export const firmwareFeature: FeatureModule = {
  id: 'firmware',
  routes: [{ path: '/firmware', element: () => createElement(FirmwarePage), face: 'portal', roles: ['installer_admin'], title: 'Firmware' }],
  nav: { label: 'Firmware', path: '/firmware', face: 'portal', order: 85, roles: ['installer_admin'] },
};
