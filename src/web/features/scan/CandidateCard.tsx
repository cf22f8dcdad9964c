import type { Candidate } from '../../api/types';
import { formatAddress, formatFirmware, deviceTypeLabel } from '../../ui/format';
import { candidateLabel, candidateStatus } from './store';

/** One device as the scan found it. `status` replaces the computed one (e.g. the code is already typed). */
export function CandidateCard({ c, status }: { c: Candidate; status?: string }) {
  return (
    <div className="candidate-card">
      <p className="candidate-name">{candidateLabel(c)}</p>
      <dl className="facts">
        <dt>Type</dt>
        <dd data-testid="candidate-type">{deviceTypeLabel(c.type)}</dd>
        <dt>Model</dt>
        <dd>{c.model ?? '—'}</dd>
        <dt>Serial</dt>
        <dd>{c.serial ?? '—'}</dd>
        {c.host && (
          <>
            <dt>Address</dt>
            <dd>{formatAddress(c.host, c.port)}</dd>
          </>
        )}
        <dt>Firmware</dt>
        <dd data-testid="candidate-firmware">{formatFirmware(c.firmware.version)}</dd>
        <dt>Status</dt>
        <dd data-testid="candidate-status">{status ?? candidateStatus(c)}</dd>
      </dl>
      {c.error && c.nextAction !== 'connect_to_network' && (
        <p className="notice notice-error" data-testid="candidate-error">
          {c.error.message} <span className="notice-hint">{c.error.hint}</span>
        </p>
      )}
    </div>
  );
}
