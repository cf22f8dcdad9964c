import type { Candidate } from '../../api/types';
import { candidateLabel, candidateStatus } from './store';

export function CandidateCard({ c }: { c: Candidate }) {
  return (
    <div className="candidate-card">
      <p className="candidate-name">{candidateLabel(c)}</p>
      <dl className="facts">
        <dt>Type</dt>
        <dd>{c.type ?? 'Unknown'}</dd>
        <dt>Model</dt>
        <dd>{c.model ?? '—'}</dd>
        <dt>Serial</dt>
        <dd>{c.serial ?? '—'}</dd>
        {c.host && (
          <>
            <dt>Address</dt>
            <dd>
              {c.host}
              {c.port ? `:${c.port}` : ''}
            </dd>
          </>
        )}
        <dt>Firmware</dt>
        <dd>{c.firmware.version ?? '—'}</dd>
        <dt>Status</dt>
        <dd data-testid="candidate-status">{candidateStatus(c)}</dd>
      </dl>
      {c.error && c.nextAction !== 'connect_to_network' && (
        <p className="notice notice-error" data-testid="candidate-error">
          {c.error.message} <span className="notice-hint">{c.error.hint}</span>
        </p>
      )}
    </div>
  );
}
