import { useEffect } from 'react';
import { Link, navigate, useParams } from '../../app/router';
import { PageHeader } from '../../ui/components';
import { stepLabel, TERMINAL, useBatchEvents } from './batch';
import { candidateLabel, useScanFlow } from './store';

/** Per-device progress of a (bulk) add, live from the server. */
export function ProgressPage() {
  const { batchId } = useParams();
  const flow = useScanFlow();
  const candidates = (flow?.scan.candidates ?? []).filter((c) => flow?.selected.includes(c.id));
  const progress = useBatchEvents(batchId, candidates.map((c) => c.id));
  const states = candidates.map((c) => progress.events[c.id]);
  const done = states.filter((s) => s?.state === 'done').length;
  const failed = states.filter((s) => s?.state === 'failed').length;
  const finished = progress.finished || (candidates.length > 0 && states.every((s) => s && TERMINAL.has(s.state)));
  const waiting = states.some((s) => s?.state === 'waiting');
  const siteQuery = flow ? `?site=${encodeURIComponent(flow.siteId)}` : '';

  return (
    <div>
      <PageHeader title={finished ? 'Finished' : 'Adding devices…'} />
      <p role="status" aria-live="polite" data-testid="progress-summary">
        {done} added{failed ? `, ${failed} failed` : ''} of {candidates.length}
        {progress.connection === 'retrying' ? ' · reconnecting…' : ''}
      </p>
      {waiting && <OfflineHelp />}
      <ul className="progress-list">
        {candidates.map((c) => {
          const ev = progress.events[c.id];
          const state = ev?.state ?? 'queued';
          return (
            <li key={c.id} className={`progress-item state-${state}`} data-testid={`progress-${c.id}`} data-state={state}>
              <span className="progress-icon" aria-hidden="true">
                {state === 'done' ? '✓' : state === 'failed' ? '✕' : state === 'waiting' ? '⏸' : '…'}
              </span>
              <span className="candidate-main">
                <span className="candidate-name">{candidateLabel(c)}</span>
                <span className="candidate-meta">{stepLabel(ev)}</span>
                {ev?.state === 'failed' && ev.hint && <span className="notice-hint">{ev.hint}</span>}
              </span>
            </li>
          );
        })}
      </ul>
      {finished && (
        <div className="sticky-actions">
          <Link to={`/m/devices${siteQuery}`} className="btn btn-primary btn-big">
            Show the site's devices
          </Link>
          <Link to={`/m/scan${siteQuery}`} className="btn btn-secondary btn-big">
            Scan another
          </Link>
        </div>
      )}
    </div>
  );
}

export function OfflineHelp() {
  return (
    <div className="notice notice-info offline-help">
      <p className="notice-message">The device is not online yet. It stays pending and is added by itself once it connects.</p>
      <ol>
        <li>Check that the device has power (the status LED is lit).</li>
        <li>Plug in its network cable, or join it to Wi-Fi with the vendor app.</li>
        <li>Make sure the router gives it an address (DHCP) and lets it reach the internet.</li>
      </ol>
      <p className="notice-hint">You can leave this page: the add continues on the server.</p>
    </div>
  );
}

/** A single offline device: guidance while it is pending, then straight to the device list. */
export function OfflinePage() {
  const { batchId } = useParams();
  const flow = useScanFlow();
  const c = flow?.scan.candidates.find((x) => flow.selected.includes(x.id));
  const progress = useBatchEvents(batchId, c ? [c.id] : []);
  const ev = c ? progress.events[c.id] : undefined;
  const siteId = flow?.siteId;
  useEffect(() => {
    if (ev?.state === 'done' && siteId) navigate(`/m/devices?site=${encodeURIComponent(siteId)}&added=${encodeURIComponent(c?.serial ?? '')}`);
  }, [ev?.state, siteId, c?.serial]);
  return (
    <div>
      <PageHeader title="Waiting for the device" />
      {c && <p className="candidate-name">{candidateLabel(c)}</p>}
      <p role="status" aria-live="polite" data-testid="offline-state">
        {ev?.state === 'failed' ? (ev.message ?? 'The add failed.') : `Status: ${stepLabel(ev)}`}
      </p>
      {ev?.state === 'failed' ? (
        ev.hint && <p className="notice-hint">{ev.hint}</p>
      ) : (
        <OfflineHelp />
      )}
      <div className="sticky-actions">
        <Link to={`/m/scan${siteId ? `?site=${encodeURIComponent(siteId)}` : ''}`} className="btn btn-secondary btn-big">
          Scan another meanwhile
        </Link>
      </div>
    </div>
  );
}
