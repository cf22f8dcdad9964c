// Health monitoring (issue 15, src/server/health): the per-device switch and what it gates.
export const HEALTH_ERRORS = {
  HEALTH_MONITORING_OFF: {
    status: 409,
    message: 'Health monitoring is off for this device: no health status is collected or shown.',
    hint: 'Switch health monitoring on for the device (installer admins and installers who manage its site); health is then collected afresh.',
    note: 'Answered by every read or action that needs health monitoring (health reads today; firmware upgrade and linkage rules use the same gate, src/server/health/health-policy.ts). Never stale data.',
  },
} as const;
