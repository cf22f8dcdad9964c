import { Type } from 'typebox';
import { DateTime, Shared, Uuid } from '../http/common.schema';

const HealthState = Type.Union(['healthy', 'warning', 'fault', 'offline', 'unknown'].map((s) => Type.Literal(s)));

/** One reason for a health state (codes: src/server/health/health-summary.ts ReasonCode). */
export const HealthReasonSchema = Shared(Type.Object({
  code: Type.String({ description: 'Stable reason code, e.g. hdd_abnormal, video_loss, zone_fault, mains_lost, offline' }),
  severity: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('fault')]),
  message: Type.String(),
  subject: Type.Optional(Type.Object({ kind: Type.Union([Type.Literal('disk'), Type.Literal('channel'), Type.Literal('zone')]), id: Type.Integer() })),
}, { $id: 'HealthReason' }));

const Disk = Type.Object({ id: Type.Integer(), name: Type.String(), status: Type.String(), smart: Type.Union([Type.String(), Type.Null()]), capacityMb: Type.Number(), freeMb: Type.Number() });
const Channel = Type.Object({ id: Type.Integer(), name: Type.String(), online: Type.Boolean(), videoLoss: Type.Boolean(), recording: Type.Boolean() });
const Zone = Type.Object({ id: Type.Integer(), name: Type.String(), open: Type.Boolean(), fault: Type.Boolean(), tamper: Type.Boolean(), bypassed: Type.Boolean() });

export const HealthSnapshotSchema = Type.Object({
  family: Type.String(),
  storage: Type.Union([Type.Object({ disks: Type.Array(Disk), overwrite: Type.Union([Type.Boolean(), Type.Null()]) }), Type.Null()]),
  channels: Type.Union([Type.Array(Channel), Type.Null()]),
  alarm: Type.Union([
    Type.Object({
      zones: Type.Array(Zone),
      mainsConnected: Type.Union([Type.Boolean(), Type.Null()]),
      batteryLow: Type.Union([Type.Boolean(), Type.Null()]),
      batteryPercent: Type.Union([Type.Number(), Type.Null()]),
      tamper: Type.Union([Type.Boolean(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  unavailable: Type.Array(Type.Object({ part: Type.String(), code: Type.String() })),
});

const NullableDate = Type.Union([DateTime, Type.Null()]);

export const DeviceHealthSchema = Type.Object({
  deviceId: Uuid,
  state: HealthState,
  reasons: Type.Array(HealthReasonSchema),
  snapshot: Type.Union([HealthSnapshotSchema, Type.Null()]),
  collectedAt: NullableDate,
  lastSeenAt: NullableDate,
  monitoringSince: NullableDate,
  updatedAt: NullableDate,
  history: Type.Array(Type.Object({ at: DateTime, state: HealthState, reasons: Type.Array(HealthReasonSchema) })),
});

export const SiteHealthSchema = Type.Object({
  siteId: Uuid,
  state: HealthState,
  counts: Type.Object({ healthy: Type.Integer(), warning: Type.Integer(), fault: Type.Integer(), offline: Type.Integer(), unknown: Type.Integer(), off: Type.Integer({ description: 'Devices with health monitoring off' }) }),
  devices: Type.Array(Type.Object({
    deviceId: Uuid,
    name: Type.String(),
    serial: Type.String(),
    type: Type.String(),
    addedVia: Type.String(),
    healthMonitoring: Type.Boolean(),
    state: Type.Union([HealthState, Type.Null()], { description: 'Null while health monitoring is off (no health is shown)' }),
    reasons: Type.Array(HealthReasonSchema),
    updatedAt: NullableDate,
  })),
});

export const MonitoringBody = Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false });
export const MonitoringResponse = Type.Object({ deviceId: Uuid, healthMonitoring: Type.Boolean() });

const StateCounts = Type.Object({ healthy: Type.Integer(), warning: Type.Integer(), fault: Type.Integer(), offline: Type.Integer(), unknown: Type.Integer(), off: Type.Integer({ description: 'Devices with health monitoring off' }) });

export const CompanyHealthSchema = Type.Object({
  counts: StateCounts,
  sites: Type.Array(Type.Object({ siteId: Uuid, name: Type.String(), state: HealthState, counts: StateCounts, devices: Type.Integer() }), { description: 'Sites with faults first (offline, fault, warning, unknown, healthy), then by name' }),
});
