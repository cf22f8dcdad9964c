import { useEffect, useState } from 'react';
import { healthApi } from '../../api/endpoints';
import type { GetApiDevicesIdHealthResponse } from '../../api/generated';
import { useAction, useAsync } from '../../ui/async';
import { Dialog, ErrorNotice, formatDate, Loading, StatusBadge } from '../../ui/components';
import { FirmwareUnavailable } from './DeviceOptions';

const REFRESH_MS = 5000;

/** What switching monitoring off disables (issue 15), said before the installer confirms. */
export const MONITORING_OFF_EFFECTS = [
  'Health status: nothing is collected or shown for this device.',
  'Exceptions: none are raised or delivered for it.',
  'Linkage rules: its rules become invalid (they are kept).',
  'Firmware upgrade: refused while monitoring is off.',
];

/**
 * The Health section of the device page (phone first): the state with its reasons, recent changes,
 * and the Health Monitoring switch. Off ⇒ the server answers HEALTH_MONITORING_OFF and nothing is shown.
 */
export function DeviceHealth({ deviceId, monitoring, onChanged, firmwareBlock }: { deviceId: string; monitoring: boolean; onChanged: () => void; firmwareBlock?: { minimum: string; upgradeTo: string } | null }) {
  const blocked = Boolean(firmwareBlock);
  const health = useAsync((signal) => (monitoring && !blocked ? healthApi.device(deviceId, signal) : Promise.resolve(null)), [deviceId, monitoring, blocked]);
  const { reload } = health;
  useEffect(() => {
    if (!monitoring) return;
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, REFRESH_MS);
    return () => clearInterval(t);
  }, [reload, monitoring]);
  const [confirmOff, setConfirmOff] = useState(false);
  const toggle = useAction(async (enabled: boolean) => {
    await healthApi.setMonitoring(deviceId, enabled);
    setConfirmOff(false);
    onChanged();
  });

  return (
    <section className="card device-health" aria-labelledby="device-health-title">
      <h2 id="device-health-title">Health</h2>
      <div className="health-switch">
        <label className="checkbox">
          <input
            type="checkbox"
            role="switch"
            data-testid="health-monitoring-switch"
            checked={monitoring}
            disabled={toggle.busy}
            onChange={(e) => (e.target.checked ? toggle.run(true) : setConfirmOff(true))}
          />
          Health monitoring {monitoring ? 'on' : 'off'}
        </label>
      </div>
      <ErrorNotice error={toggle.error} />
      {!monitoring && <p data-testid="health-off">Health monitoring is off: no health status is collected or shown for this device. Switch it on to collect it afresh.</p>}
      {firmwareBlock && <FirmwareUnavailable feature="Health monitoring" block={firmwareBlock} />}
      {monitoring && !health.data && health.loading && <Loading />}
      {monitoring && !blocked && <ErrorNotice error={health.error} onRetry={health.reload} />}
      {monitoring && health.data && <HealthView h={health.data} />}
      <Dialog open={confirmOff} title="Switch health monitoring off?" onClose={() => setConfirmOff(false)}>
        <p>While health monitoring is off for this device:</p>
        <ul data-testid="health-off-effects">
          {MONITORING_OFF_EFFECTS.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
        <div className="form-actions">
          <button type="button" className="btn btn-danger" disabled={toggle.busy} onClick={() => toggle.run(false)}>
            Switch off
          </button>
          <button type="button" className="btn btn-secondary" onClick={() => setConfirmOff(false)}>
            Keep it on
          </button>
        </div>
      </Dialog>
    </section>
  );
}

function HealthView({ h }: { h: GetApiDevicesIdHealthResponse }) {
  const problems = h.reasons.filter((r) => r.severity !== 'info');
  const notes = h.reasons.filter((r) => r.severity === 'info');
  return (
    <div data-testid="device-health">
      <p className="health-state" data-testid="health-state">
        <StatusBadge status={h.state} />
      </p>
      {problems.length > 0 && (
        <ul className="health-reasons" data-testid="health-reasons">
          {problems.map((r) => (
            <li key={`${r.code}-${r.subject?.kind ?? ''}${r.subject?.id ?? ''}`} className={`reason reason-${r.severity}`}>
              {r.message}
            </li>
          ))}
        </ul>
      )}
      {notes.length > 0 && (
        <ul className="health-notes">
          {notes.map((r) => (
            <li key={`${r.code}-${r.subject?.kind ?? ''}${r.subject?.id ?? ''}`}>{r.message}</li>
          ))}
        </ul>
      )}
      <dl className="facts">
        <dt>Checked</dt>
        <dd>{formatDate(h.collectedAt)}</dd>
        <dt>Last seen</dt>
        <dd>{formatDate(h.lastSeenAt)}</dd>
      </dl>
      {h.history.length > 0 && (
        <details>
          <summary>Recent changes ({h.history.length})</summary>
          <ul className="health-history">
            {h.history.map((e) => (
              <li key={`${e.at}-${e.state}`}>
                {formatDate(e.at)}: <StatusBadge status={e.state} /> {e.reasons.filter((r) => r.severity !== 'info').map((r) => r.message).join(' ')}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
