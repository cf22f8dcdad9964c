import { createElement } from 'react';
import type { FeatureModule } from '../types';
import { DeviceListPage } from './DeviceListPage';
import { DevicePage } from './DevicePage';
import { MobileDevicesPage } from './MobileDevicesPage';

export const devicesFeature: FeatureModule = {
  id: 'devices',
  routes: [
    { path: '/devices', element: () => createElement(DeviceListPage), face: 'portal' },
    { path: '/sites/:siteId/devices', element: () => createElement(DeviceListPage), face: 'portal' },
    { path: '/devices/:deviceId', element: () => createElement(DevicePage), face: 'portal' },
    { path: '/m/devices', element: () => createElement(MobileDevicesPage), face: 'mobile' },
    { path: '/m/devices/:deviceId', element: () => createElement(DevicePage), face: 'mobile' },
  ],
  nav: [
    { label: 'Devices', path: '/devices', face: 'portal', order: 20 },
    { label: 'Devices', path: '/m/devices', face: 'mobile', order: 20 },
  ],
};
