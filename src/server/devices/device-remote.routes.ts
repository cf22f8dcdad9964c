import { Type } from 'typebox';
import type { App } from '../http/types';
import { meta } from '../http/types';
import { errorResponses, IdParams } from '../http/common.schema';
import { requireActor } from '../http/access';
import type { DeviceRemoteService } from './device-remote.service';
import { channelsRecordingRoutes } from './device-config/channels-recording.routes';
import { describeAllowList, ISAPI_MAX_BODY_BYTES, ISAPI_MAX_RESPONSE_BYTES } from './isapi-passthrough';
import { deviceUsersRoutes } from './device-config/users.routes';
import { networkConfigRoutes } from './device-config/network.routes';

const DeviceNameConfig = Type.Object({ deviceName: Type.String({ minLength: 1, maxLength: 32, pattern: '^[^<>&"]*$', description: 'The name the device itself holds (1–32 characters)' }) }, { additionalProperties: false });
const NtpSchema = Type.Object({
  host: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9.:-]+$', description: 'NTP server: host name or IP address' }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  intervalMinutes: Type.Integer({ minimum: 1, maximum: 10080 }),
}, { additionalProperties: false });
const TimeWrite = Type.Object({
  timeMode: Type.Union([Type.Literal('NTP'), Type.Literal('manual')]),
  timeZone: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9+:\\-/_ ]+$', description: 'POSIX-style zone as devices use, e.g. CST-1:00:00' }),
  ntp: NtpSchema,
}, { additionalProperties: false });
const TimeRead = Type.Object({ timeMode: Type.Union([Type.Literal('NTP'), Type.Literal('manual')]), timeZone: Type.String(), localTime: Type.String({ description: "The device's clock when read" }), ntp: NtpSchema });

const CONFIG_NOTE = 'Read from the device and written back over whichever way Sitekeeper reaches it (device cloud, site agent, directly). Needs the device admin password (DEVICE_ADMIN_PASSWORD_NEEDED: give it with PUT /api/devices/:id/admin-password) and a firmware the compatibility catalogue accepts for remote configuration (FIRMWARE_INCOMPATIBLE with details.upgradeTo). Each change writes a `device.config.update` audit row with the old and new values.';

export function deviceRemoteRoutes(app: App, deps: { remote: DeviceRemoteService }): void {
  const { remote } = deps;

  app.put('/api/devices/:id/admin-password', {
    // Each call tries a password on the real device: a few per device and caller a minute, so the
    // route is no password-guessing oracle and cannot be used to trip the device's own lockout.
    config: { access: 'installer', rateLimit: { max: 5, timeWindow: '1 minute', keyGenerator: (req) => `${req.ip}:${(req.params as { id?: string }).id ?? ''}` } },
    schema: {
      tags: ['devices'],
      summary: 'Give the device admin password Sitekeeper does not hold yet (checked against the device, then kept sealed)',
      description: 'Devices added by label and verification code come without it (`adminPasswordNeeded` on the device); options that need it answer DEVICE_ADMIN_PASSWORD_NEEDED. The password is checked against the device first: wrong → DEVICE_AUTH_FAILED and nothing is stored; locked → DEVICE_LOCKED (details.unlockAt). Audited as `device.admin_password.set` (never the password).',
      params: IdParams,
      body: Type.Object({ user: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: "The device's admin user (default admin)" })), password: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ deviceId: Type.String(), adminPasswordNeeded: Type.Literal(false) }), ...errorResponses },
    },
  }, async (req) => remote.setAdminPassword(requireActor(req), req.params.id, req.body, meta(req)));

  app.get('/api/devices/:id/config/device-name', {
    config: { access: 'installer' },
    schema: { tags: ['devices'], summary: "Remote configuration: the device's own name", description: CONFIG_NOTE, params: IdParams, response: { 200: DeviceNameConfig, ...errorResponses } },
  }, async (req) => remote.readDeviceName(requireActor(req), req.params.id));

  app.put('/api/devices/:id/config/device-name', {
    config: { access: 'installer' },
    schema: { tags: ['devices'], summary: "Remote configuration: write the device's own name (read back from the device)", description: CONFIG_NOTE, params: IdParams, body: DeviceNameConfig, response: { 200: DeviceNameConfig, ...errorResponses } },
  }, async (req) => remote.writeDeviceName(requireActor(req), req.params.id, req.body, meta(req)));

  app.get('/api/devices/:id/config/time', {
    config: { access: 'installer' },
    schema: { tags: ['devices'], summary: 'Remote configuration: time mode, time zone and NTP server', description: CONFIG_NOTE, params: IdParams, response: { 200: TimeRead, ...errorResponses } },
  }, async (req) => remote.readTime(requireActor(req), req.params.id));

  app.put('/api/devices/:id/config/time', {
    config: { access: 'installer' },
    schema: { tags: ['devices'], summary: 'Remote configuration: write time mode, time zone and NTP server (read back from the device)', description: CONFIG_NOTE, params: IdParams, body: TimeWrite, response: { 200: TimeRead, ...errorResponses } },
  }, async (req) => remote.writeTime(requireActor(req), req.params.id, req.body, meta(req)));

  deviceUsersRoutes(app, { remote });
  channelsRecordingRoutes(app, deps);
  networkConfigRoutes(app, deps);

  app.post('/api/devices/:id/isapi', {
    config: { access: 'admin' },
    schema: {
      tags: ['devices'],
      summary: 'ISAPI pass-through to the device (installer admins; every call audited)',
      description: `Only these methods and paths (a prefix and what is under it): ${describeAllowList()}; paths taken literally (plain segments, no "..", no percent-encoding); a disk format, factory reset, reboot or firmware path never, under any prefix: ISAPI_REQUEST_NOT_ALLOWED otherwise, with details.reason (method, path_syntax, path_not_allowed, method_not_allowed_here, destructive). Body up to ${ISAPI_MAX_BODY_BYTES} bytes (ISAPI_BODY_TOO_LARGE), answer up to ${ISAPI_MAX_RESPONSE_BYTES} bytes (DEVICE_BODY_TOO_LARGE). Needs the device admin password. Audited as \`device.isapi\` with the method, path and status, never a body.`,
      params: IdParams,
      body: Type.Object({ method: Type.String({ maxLength: 10 }), path: Type.String({ minLength: 1, maxLength: 1024 }), body: Type.Optional(Type.String()) }, { additionalProperties: false }),
      response: { 200: Type.Object({ status: Type.Integer(), contentType: Type.String(), body: Type.String() }), ...errorResponses },
    },
  }, async (req) => remote.isapi(requireActor(req), req.params.id, req.body, meta(req)));
}
