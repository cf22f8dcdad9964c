import type { App } from '../http/types';
import { meta } from '../http/types';
import { errorResponses, IdParams } from '../http/common.schema';
import { requireActor } from '../http/access';
import type { HealthService } from './health.service';
import { CompanyHealthSchema, DeviceHealthSchema, MonitoringBody, MonitoringResponse, SiteHealthSchema } from './health.schema';

export function healthRoutes(app: App, deps: { health: HealthService }): void {
  const { health } = deps;

  app.get('/api/devices/:id/health', {
    config: { access: 'installer' },
    schema: {
      tags: ['health'],
      summary: "A device's health: state with reasons, the last snapshot and recent changes",
      description: 'While health monitoring is off for the device: 409 HEALTH_MONITORING_OFF (never stale data).',
      params: IdParams,
      response: { 200: DeviceHealthSchema, ...errorResponses },
    },
  }, async (req) => health.deviceHealth(requireActor(req), req.params.id));

  app.put('/api/devices/:id/health-monitoring', {
    config: { access: 'installer' },
    schema: {
      tags: ['health'],
      summary: 'Switch health monitoring on or off for a device',
      description: 'Off: no health is collected or shown, no exceptions, linkage rules invalid, firmware upgrade refused (HEALTH_MONITORING_OFF); the current snapshot is discarded. On: collected afresh. Installer admins and installers who manage the site. Audited.',
      params: IdParams,
      body: MonitoringBody,
      response: { 200: MonitoringResponse, ...errorResponses },
    },
  }, async (req) => health.setMonitoring(requireActor(req), req.params.id, req.body.enabled, meta(req)));

  app.get('/api/health', {
    config: { access: 'installer' },
    schema: {
      tags: ['health'],
      summary: 'The company health dashboard: every site you see, sites with faults first, with counts by state',
      response: { 200: CompanyHealthSchema, ...errorResponses },
    },
  }, async (req) => health.companyHealth(requireActor(req)));

  app.get('/api/sites/:id/health', {
    config: { access: 'installer' },
    schema: {
      tags: ['health'],
      summary: "A site's health: every device, worst first, with counts by state",
      params: IdParams,
      response: { 200: SiteHealthSchema, ...errorResponses },
    },
  }, async (req) => health.siteHealth(requireActor(req), req.params.id));
}
