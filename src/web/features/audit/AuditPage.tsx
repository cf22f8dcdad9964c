import { useState } from 'react';
import { auditApi, type AuditQuery } from '../../api/endpoints';
import type { GetApiAuditResponse } from '../../api/types';
import { Link } from '../../app/router';
import { Empty, formatDate, PageHeader } from '../../ui/components';
import { DataTable, type TableColumn } from '../../ui/DataTable';
import { usePagedList } from '../../ui/paged';

const PAGE_SIZE = 50;

type Entry = GetApiAuditResponse['items'][number];

/** The target types the server writes (the filter is exact). */
const TARGET_TYPES: Array<[string, string]> = [
  ['site', 'Site'],
  ['device', 'Device'],
  ['user', 'User or installer'],
  ['invitation', 'Invitation'],
  ['api_token', 'API token'],
  ['company', 'Company'],
];
const KIND_LABEL: Record<string, string> = { ...Object.fromEntries(TARGET_TYPES), installer: 'Installer', user: 'User' };

/** The target by name, linked to its page while it exists; the raw id only when nothing better is known. */
function Target({ entry: a }: { entry: Entry }) {
  const kind = KIND_LABEL[a.target.kind] ?? a.target.kind;
  if (!a.target.label) {
    return (
      <>
        {kind}
        {a.targetId && <span className="muted break"> {a.targetId}</span>}
      </>
    );
  }
  return (
    <>
      <span className="muted">{kind}: </span>
      {a.target.link ? <Link to={a.target.link}>{a.target.label}</Link> : a.target.label}
      {!a.target.exists && <span className="muted"> (deleted)</span>}
    </>
  );
}

const COLUMNS: TableColumn<Entry>[] = [
  { key: 'when', header: 'When', cell: (a) => formatDate(a.at) },
  {
    key: 'who',
    header: 'Who',
    cell: (a) => (
      <>
        {a.actorName ?? a.actorEmail ?? 'system'}
        {a.actorName && a.actorEmail && (
          <>
            <br />
            <span className="muted">{a.actorEmail}</span>
          </>
        )}
      </>
    ),
  },
  { key: 'action', header: 'Action', cell: (a) => <code>{a.action}</code> },
  { key: 'target', header: 'Target', cell: (a) => <Target entry={a} /> },
  { key: 'outcome', header: 'Outcome', cell: (a) => a.outcome },
];

export function AuditPage() {
  const [filters, setFilters] = useState<AuditQuery>({});
  const list = usePagedList((query, signal) => auditApi.list({ ...filters, ...query }, signal), [filters], PAGE_SIZE);
  const set = (k: keyof AuditQuery, v: string) => setFilters((f) => ({ ...f, [k]: v || undefined }));
  return (
    <div>
      <PageHeader title="Audit log" />
      <div className="filters" role="search">
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <input id="audit-action" placeholder="e.g. site.create" value={filters.action ?? ''} onChange={(e) => set('action', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="audit-target">Target type</label>
          <select id="audit-target" value={filters.targetType ?? ''} onChange={(e) => set('targetType', e.target.value)}>
            <option value="">Any</option>
            {TARGET_TYPES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-from">From</label>
          <input id="audit-from" type="date" value={filters.from?.slice(0, 10) ?? ''} onChange={(e) => set('from', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">To</label>
          <input id="audit-to" type="date" value={filters.to?.slice(0, 10) ?? ''} onChange={(e) => set('to', e.target.value)} />
        </div>
      </div>
      <DataTable label="Audit log" list={list} columns={COLUMNS} empty={<Empty title="No audit entries match" />} />
    </div>
  );
}
