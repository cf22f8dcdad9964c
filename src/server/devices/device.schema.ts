import { Type, type Static } from 'typebox';
import { DateTime, Shared, Uuid } from '../http/common.schema';

/**
 * A device as the API shows it (GET /api/devices/:id, the device lists): the device row with its
 * site's name. The repository reads exactly this (plus the company, see DeviceRecord), so the
 * route schema and the record are one shape. Shared: one `Device` component in the OpenAPI and one
 * type in the generated web API types.
 */
export const DeviceSchema = Shared(Type.Object({
  id: Uuid,
  siteId: Uuid,
  siteName: Type.String(),
  serial: Type.String(),
  name: Type.String(),
  type: Type.String(),
  model: Type.String(),
  firmwareVersion: Type.String(),
  firmwareCompatible: Type.Union([Type.Boolean(), Type.Null()]),
  addedVia: Type.String(),
  host: Type.Union([Type.String(), Type.Null()]),
  port: Type.Union([Type.Integer(), Type.Null()]),
  healthMonitoring: Type.Boolean(),
  status: Type.String(),
  createdAt: DateTime,
  updatedAt: DateTime,
}, { $id: 'Device' }));

export type DeviceDto = Static<typeof DeviceSchema>;
