import { useState } from 'react';
import { auditApi, type AuditQuery } from '../../api/endpoints';
import { useAsync } from '../../ui/async';
import { Empty, ErrorNotice, formatDate, Loading, PageHeader, Pager } from '../../ui/components';

const PAGE_SIZE = 50;

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
          <input id="audit-target" placeholder="site, device, installer…" value={filters.targetType ?? ''} onChange={(e) => set('targetType', e.target.value)} />
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
                  <td>{a.actorEmail ?? 'system'}</td>
                  <td>
                    <code>{a.action}</code>
                  </td>
                  <td>
                    {a.targetType}
                    {a.targetId ? ` ${a.targetId}` : ''}
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
