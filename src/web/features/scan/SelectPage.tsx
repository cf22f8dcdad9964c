import { useState } from 'react';
import { Link } from '../../app/router';
import { Empty, ErrorNotice, PageHeader } from '../../ui/components';
import { deviceTypeLabel, formatAddress } from '../../ui/format';
import { useAddFlow } from './add-flow';
import { candidateLabel, candidateStatus, selectable, useScanFlow } from './store';

/** A multi-device code: tick the devices to add. */
export function SelectPage() {
  const flow = useScanFlow();
  const add = useAddFlow(flow);
  const candidates = flow?.scan.candidates ?? [];
  const eligible = candidates.filter(selectable);
  const [selected, setSelected] = useState<Set<string>>(() => new Set(eligible.map((c) => c.id)));
  if (!flow) {
    return (
      <Empty title="Nothing scanned yet">
        <Link to="/m/scan">Scan a label</Link>
      </Empty>
    );
  }
  const allOn = eligible.length > 0 && eligible.every((c) => selected.has(c.id));
  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  return (
    <div>
      <PageHeader title={`${candidates.length} devices in this code`} />
      <label className="select-all">
        <input
          type="checkbox"
          checked={allOn}
          disabled={eligible.length === 0}
          onChange={() => setSelected(allOn ? new Set() : new Set(eligible.map((c) => c.id)))}
        />
        Select all ({eligible.length})
      </label>
      <ul className="candidate-list">
        {candidates.map((c) => {
          const can = selectable(c);
          return (
            <li key={c.id} className={can ? '' : 'disabled'}>
              <label>
                <input type="checkbox" checked={selected.has(c.id)} disabled={!can} onChange={() => toggle(c.id)} />
                <span className="candidate-main">
                  <span className="candidate-name">{candidateLabel(c)}</span>
                  <span className="candidate-meta">
                    {[c.type ? deviceTypeLabel(c.type) : null, c.host ? formatAddress(c.host, c.port) : c.serial].filter(Boolean).join(' · ')}
                  </span>
                </span>
                <span className={`candidate-status status-${c.nextAction}`}>{candidateStatus(c)}</span>
              </label>
            </li>
          );
        })}
      </ul>
      <ErrorNotice error={add.error} />
      <div className="sticky-actions">
        <button
          type="button"
          className="btn btn-primary btn-big"
          disabled={selected.size === 0 || add.busy}
          onClick={() => add.start(candidates.filter((c) => selected.has(c.id)).map((c) => c.id))}
        >
          {add.busy ? 'Starting…' : `OK, add ${selected.size} device${selected.size === 1 ? '' : 's'}`}
        </button>
      </div>
      {add.dialogs}
    </div>
  );
}
