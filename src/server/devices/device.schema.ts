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
  typeEditable: Type.Boolean({ description: 'The installer may set the type (PUT /api/devices/:id/type): the device did not report a recognised type, or an installer chose it' }),
  model: Type.String(),
  firmwareVersion: Type.String(),
  firmwareCompatible: Type.Union([Type.Boolean(), Type.Null()]),
  addedVia: Type.String(),
  claimProof: Type.Union([Type.Literal('code'), Type.Literal('activation'), Type.Literal('credentials'), Type.Literal('none')], { description: "How the company proved the device is theirs (decision 0005): 'code' and 'activation' bind its serial exclusively; a 'credentials' or 'none' claim yields to another company that proves it with the device's verification code" }),
  host: Type.Union([Type.String(), Type.Null()]),
  port: Type.Union([Type.Integer(), Type.Null()]),
  healthMonitoring: Type.Boolean(),
  status: Type.String(),
  createdAt: DateTime,
  updatedAt: DateTime,
}, { $id: 'Device' }));

export type DeviceDto = Static<typeof DeviceSchema>;
