import { healthApi } from '../../api/endpoints';
import type { GetApiHealthResponse } from '../../api/generated';
import { Link } from '../../app/router';
import { useAsync } from '../../ui/async';
import { Empty, PageHeader, StatusBadge } from '../../ui/components';
import { DataTable, type TableColumn } from '../../ui/DataTable';

type SiteRow = GetApiHealthResponse['sites'][number] & { id: string };
type State = keyof GetApiHealthResponse['counts'];

/** The states in the order an installer acts on them; `off` is monitoring switched off. */
const STATES: Array<[State, string]> = [
  ['offline', 'Offline'],
  ['fault', 'Fault'],
  ['warning', 'Warning'],
  ['unknown', 'Unknown'],
  ['healthy', 'Healthy'],
  ['off', 'Monitoring off'],
];

const COLUMNS: TableColumn<SiteRow>[] = [
  { key: 'site', header: 'Site', cell: (s) => <Link to={`/sites/${s.siteId}`}>{s.name}</Link> },
  { key: 'state', header: 'State', cell: (s) => <StatusBadge status={s.state} /> },
  ...STATES.map(([k, label]): TableColumn<SiteRow> => ({ key: k, header: label, className: 'num', cell: (s) => (s.counts[k] > 0 ? s.counts[k] : <span className="muted">0</span>) })),
  { key: 'devices', header: 'Devices', className: 'num', cell: (s) => s.devices },
];

/** The company's health at a glance: counts by state, and every site you see with faults first. */
export function HealthDashboard() {
  const health = useAsync((signal) => healthApi.company(signal), []);
  const list = { ...health, data: health.data && { items: health.data.sites.map((s) => ({ ...s, id: s.siteId })) } };
  return (
    <div>
      <PageHeader title="Health" />
      {health.data && (
        <ul className="health-counts" aria-label="Devices by state" data-testid="health-counts">
          {STATES.map(([k, label]) => (
            <li key={k} data-state={k}>
              <strong>{health.data!.counts[k]}</strong> {label}
            </li>
          ))}
        </ul>
      )}
      <DataTable
        label="Sites by health, faults first"
        list={list}
        columns={COLUMNS}
        empty={
          <Empty title="No sites yet">
            <p>Sites you manage appear here with the health of their devices.</p>
          </Empty>
        }
      />
    </div>
  );
}
