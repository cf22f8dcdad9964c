import { useState } from 'react';
import { auditApi, type AuditQuery } from '../../api/endpoints';
import type { GetApiAuditResponse } from '../../api/types';
import { Link } from '../../app/router';
import { useAsync } from '../../ui/async';
import { Empty, ErrorNotice, formatDate, Loading, PageHeader, Pager } from '../../ui/components';

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

export function AuditPage() {
  const [filters, setFilters] = useState<AuditQuery>({});
  const [page, setPage] = useState(1);
  const list = useAsync((signal) => auditApi.list({ ...filters, page, pageSize: PAGE_SIZE }, signal), [JSON.stringify(filters), page]);
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1;
  const set = (k: keyof AuditQuery, v: string) => {
    setFilters((f) => ({ ...f, [k]: v || undefined }));
    setPage(1);
  };
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
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <Empty title="No audit entries match" />}
      {list.data && list.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">Audit log</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((a) => (
                <tr key={a.id}>
                  <td>{formatDate(a.at)}</td>
                  <td>
                    {a.actorName ?? a.actorEmail ?? 'system'}
                    {a.actorName && a.actorEmail && (
                      <>
                        <br />
                        <span className="muted">{a.actorEmail}</span>
                      </>
                    )}
                  </td>
                  <td>
                    <code>{a.action}</code>
                  </td>
                  <td>
                    <Target entry={a} />
                  </td>
                  <td>{a.outcome}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={page} pages={pages} onPage={setPage} />
    </div>
  );
}
