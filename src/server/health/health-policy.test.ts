import { describe, expect, it } from 'vitest';
import { isAppError } from '../../errors/app-error';
import { MONITORED_CAPABILITIES, monitoringGate, requireMonitoring, type MonitoredCapability } from './health-policy';

// One test per rule of issue 15: while monitoring is off, each capability is refused with the
// stable code and a reason that says what is off; while it is on, each is allowed.
const RULES: Record<MonitoredCapability, RegExp> = {
  health_read: /no health status is shown/,
  health_collect: /no health data is collected/,
  exceptions: /no exceptions are raised or delivered/,
  linkage_rules: /linkage rules are invalid/,
  firmware_upgrade: /firmware cannot be upgraded/,
};

describe('monitoringGate', () => {
  it('covers every capability with a rule', () => {
    expect(Object.keys(RULES).sort()).toEqual([...MONITORED_CAPABILITIES].sort());
  });

  for (const cap of MONITORED_CAPABILITIES) {
    it(`${cap}: refused with HEALTH_MONITORING_OFF while off, allowed while on`, () => {
      const off = monitoringGate({ healthMonitoring: false }, cap);
      expect(off).toEqual({ allowed: false, code: 'HEALTH_MONITORING_OFF', reason: expect.stringMatching(RULES[cap]) });
      expect(monitoringGate({ healthMonitoring: true }, cap)).toEqual({ allowed: true });
      expect(() => requireMonitoring({ healthMonitoring: true }, cap)).not.toThrow();
      let thrown: unknown;
      try {
        requireMonitoring({ healthMonitoring: false }, cap);
      } catch (err) {
        thrown = err;
      }
      expect(isAppError(thrown, 'HEALTH_MONITORING_OFF')).toBe(true);
      expect((thrown as Error).message).toMatch(RULES[cap]);
      expect((thrown as { status: number }).status).toBe(409);
    });
  }
});
