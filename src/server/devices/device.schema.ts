import { Type, type Static } from 'typebox';
import { DateTime, Shared, Uuid } from '../http/common.schema';

/** The catalogue's verdict stored on the device (firmware-verdict.ts): per feature, the reason and the version to upgrade to. */
export const FirmwareVerdictSchema = Type.Object({
  catalogueVersion: Type.String({ description: 'The compatibility catalogue version the verdict comes from' }),
  compatible: Type.Boolean({ description: 'Every feature is available with this firmware' }),
  features: Type.Array(Type.Object({ feature: Type.Union([Type.Literal('health_monitoring'), Type.Literal('linkage_rules'), Type.Literal('remote_configuration')]), compatible: Type.Boolean(), minimum: Type.String() })),
  reason: Type.Union([Type.String(), Type.Null()]),
  upgradeTo: Type.Union([Type.String(), Type.Null()], { description: 'The firmware version that makes every feature available' }),
});

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
  firmwareVerdict: Type.Union([FirmwareVerdictSchema, Type.Null()], { description: 'The compatibility catalogue\'s verdict for this model and firmware, re-checked when the firmware changes (health polls, the device cloud) and when the catalogue changes; null until a version is known. Incompatible features answer FIRMWARE_INCOMPATIBLE.' }),
  adminPasswordNeeded: Type.Boolean({ description: 'Sitekeeper holds no admin password for the device (added by label and verification code): options that need it answer DEVICE_ADMIN_PASSWORD_NEEDED until one is given (PUT /api/devices/:id/admin-password)' }),
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
