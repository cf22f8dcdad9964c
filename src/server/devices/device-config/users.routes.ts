import { Type } from 'typebox';
import type { App } from '../../http/types';
import { meta } from '../../http/types';
import { errorResponses, IdParams, Uuid } from '../../http/common.schema';
import { requireActor } from '../../http/access';
import type { DeviceRemoteService } from '../device-remote.service';
import { DeviceUsersService } from './users';

const Level = Type.Union([Type.Literal('Operator'), Type.Literal('Viewer')], { description: 'Operator or Viewer: the device keeps one Administrator, its admin user' });
// Printable ASCII without spaces and without the characters XML and device web pages treat specially.
const UserName = Type.String({ minLength: 1, maxLength: 32, pattern: '^[!#-%(-;=?-\\[\\]-~]{1,32}$', description: 'The user name on the device: 1–32 printable characters, no spaces or < > & " \' \\' });
// Any length here: the device's rules are checked by the service, which says which one failed (DEVICE_USER_PASSWORD_INVALID).
const Password = Type.String({ minLength: 1, maxLength: 128, description: "The user's password on the device: 8–16 printable characters of at least two kinds, not containing the user name" });

const DeviceUser = Type.Object({
  id: Type.Integer(),
  userName: Type.String(),
  userLevel: Type.String({ description: 'As the device names it: Administrator, Operator or Viewer' }),
  admin: Type.Boolean({ description: "The device's admin user: not deleted, renamed or given another level; its password is changed on the device and then given with PUT /api/devices/:id/admin-password" }),
});
const DeviceUsers = Type.Object({ items: Type.Array(DeviceUser) });
const UserParams = Type.Object({ id: Uuid, userId: Type.Integer({ minimum: 1, maximum: 65535 }) });

const USERS_NOTE =
  "The device's own user accounts (cameras, recorders and other devices; an AX Pro's are its panel accounts: DEVICE_USERS_AXPRO), read from the device and changed on it over whichever way Sitekeeper reaches it (device cloud, site agent, directly); each change is confirmed to the device with the admin password Sitekeeper holds (DEVICE_ADMIN_PASSWORD_NEEDED without it) and needs a firmware the compatibility catalogue accepts for remote configuration (FIRMWARE_INCOMPATIBLE). Passwords are checked against the device's rules before anything is sent (DEVICE_USER_PASSWORD_INVALID, details.rule) and never answered, logged or audited. Each change writes a `device.config.update` audit row (area `users`) with the user name, level and action.";

export function deviceUsersRoutes(app: App, deps: { remote: DeviceRemoteService }): void {
  const users = new DeviceUsersService(deps.remote);

  app.get('/api/devices/:id/config/users', {
    config: { access: 'installer' },
    schema: { tags: ['devices'], summary: "Remote configuration: the device's users and their levels", description: USERS_NOTE, params: IdParams, response: { 200: DeviceUsers, ...errorResponses } },
  }, async (req) => users.list(requireActor(req), req.params.id));

  app.post('/api/devices/:id/config/users', {
    config: { access: 'installer' },
    schema: {
      tags: ['devices'],
      summary: 'Remote configuration: add a user to the device',
      description: `${USERS_NOTE} A name the device already has: DEVICE_USER_NAME_TAKEN.`,
      params: IdParams,
      body: Type.Object({ userName: UserName, password: Password, userLevel: Level }, { additionalProperties: false }),
      response: { 201: DeviceUser, ...errorResponses },
    },
  }, async (req, reply) => reply.status(201).send(await users.add(requireActor(req), req.params.id, req.body, meta(req))));

  app.put('/api/devices/:id/config/users/:userId', {
    config: { access: 'installer' },
    schema: {
      tags: ['devices'],
      summary: "Remote configuration: change a device user's password and/or level",
      description: `${USERS_NOTE} The admin user keeps its level (DEVICE_USER_ADMIN_PROTECTED) and its password is not changed here (DEVICE_USER_ADMIN_PASSWORD: Sitekeeper signs in with it). No such user: DEVICE_USER_NOT_FOUND.`,
      params: UserParams,
      body: Type.Object({ password: Type.Optional(Password), userLevel: Type.Optional(Level) }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: DeviceUser, ...errorResponses },
    },
  }, async (req) => users.change(requireActor(req), req.params.id, req.params.userId, req.body, meta(req)));

  app.delete('/api/devices/:id/config/users/:userId', {
    config: { access: 'installer' },
    schema: {
      tags: ['devices'],
      summary: 'Remote configuration: delete a device user',
      description: `${USERS_NOTE} The admin user cannot be deleted (DEVICE_USER_ADMIN_PROTECTED). No such user: DEVICE_USER_NOT_FOUND.`,
      params: UserParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (req, reply) => {
    await users.remove(requireActor(req), req.params.id, req.params.userId, meta(req));
    return reply.status(204).send(null);
  });
}
