import { useEffect, useState } from 'react';
import { devicesApi, linkageRulesApi, sitesApi, webhooksApi } from '../../api/endpoints';
import { useAction, useAsync } from '../../ui/async';
import { Empty, ErrorNotice, formatDate, PageHeader, StatusBadge } from '../../ui/components';
import { DataTable, type TableColumn } from '../../ui/DataTable';
import { EVENT_LABEL, OPERATION_LABEL, RuleEditor, type Rule } from './RuleEditor';

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Linkage rules of a site: validity badges with the reasons, create (from a template or custom) and edit, each rule's firing log. */
export function LinkageRulesPage() {
  const sites = useAsync((signal) => sitesApi.list({ pageSize: 100 }, signal), []);
  // A linkage notification links here with its site (`?siteId=`).
  const [siteId, setSiteId] = useState(() => new URLSearchParams(window.location.search).get('siteId') ?? '');
  useEffect(() => {
    const first = sites.data?.items[0]?.id;
    if (!siteId && first) setSiteId(first);
  }, [sites.data, siteId]);
  const rules = useAsync((signal) => (siteId ? linkageRulesApi.list(siteId, signal) : Promise.resolve({ items: [] })), [siteId]);
  const templates = useAsync((signal) => (siteId ? linkageRulesApi.templates(siteId, signal) : Promise.resolve({ items: [] })), [siteId]);
  const devices = useAsync((signal) => (siteId ? devicesApi.listForSite(siteId, { pageSize: 100 }, signal) : Promise.resolve({ items: [], total: 0, page: 1, pageSize: 100 })), [siteId]);
  const webhooks = useAsync((signal) => webhooksApi.list(signal), []);
  const deviceName = (id: string) => devices.data?.items.find((d) => d.id === id)?.name ?? 'A deleted device';
  const [logRule, setLogRule] = useState<Rule | null>(null);
  const [editing, setEditing] = useState<Rule | null>(null);
  const remove = useAction(async (id: string) => {
    await linkageRulesApi.remove(siteId, id);
    if (logRule?.id === id) setLogRule(null);
    if (editing?.id === id) setEditing(null);
    rules.reload();
  });

  const actionText = (a: Rule['actions'][number]) => {
    if (a.kind === 'notify') return `Notify ${[a.recipients.installerAdmins && 'installer admins', a.recipients.siteInstallers && "the site's installers"].filter(Boolean).join(' and ')}`;
    if (a.kind === 'webhook') return `Webhook (${a.endpointIds.length})`;
    const where = a.operation.endsWith('recording') ? `channel ${a.channel ?? 1}` : `output ${a.output ?? 1}`;
    return `${deviceName(a.deviceId)}: ${OPERATION_LABEL[a.operation] ?? a.operation} (${where})`;
  };
  const columns: TableColumn<Rule>[] = [
    { key: 'name', header: 'Name', cell: (r) => r.name },
    { key: 'when', header: 'When', cell: (r) => `${EVENT_LABEL[r.eventType] ?? r.eventType} on ${deviceName(r.sourceDeviceId)}${r.sourceZone !== null ? `, zone ${r.sourceZone}` : ''}${r.sourceChannel !== null ? `, channel ${r.sourceChannel}` : ''}` },
    { key: 'then', header: 'Then', cell: (r) => r.actions.map(actionText).join('; ') },
    {
      key: 'schedule',
      header: 'Schedule',
      cell: (r) => {
        const s = r.conditions?.schedule;
        return s ? `${s.days.map((d) => DAY_NAMES[d]).join(' ')} ${s.from}–${s.to}` : 'Always';
      },
    },
    {
      key: 'validity',
      header: 'Validity',
      cell: (r) => (
        <div>
          <StatusBadge status={r.validity.valid ? 'valid' : 'invalid'} />
          {!r.enabled && <span className="muted"> (disabled)</span>}
          {r.validity.reasons.map((x) => (
            <div key={`${x.role}/${x.deviceId}/${x.code}`} className="muted">
              {x.message}
            </div>
          ))}
        </div>
      ),
    },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      cell: (r) => (
        <span>
          <button type="button" className="btn btn-ghost" onClick={() => setLogRule(r)} aria-label={`Firing log: ${r.name}`}>
            Firing log
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => setEditing(r)} aria-label={`Edit: ${r.name}`}>
            Edit
          </button>
          <button type="button" className="btn btn-ghost" disabled={remove.busy} onClick={() => remove.run(r.id)} aria-label={`Delete: ${r.name}`}>
            Delete
          </button>
        </span>
      ),
    },
  ];

  return (
    <div>
      <PageHeader title="Linkage rules" />
      <p className="muted">
        A rule acts when something happens on a device of the site. It is valid only while its devices exist, are on the site, have health monitoring on and run compatible firmware; an invalid rule is kept and
        never fires.
      </p>
      <div className="field">
        <label htmlFor="linkage-site">Site</label>
        <select id="linkage-site" value={siteId} onChange={(e) => { setSiteId(e.target.value); setLogRule(null); setEditing(null); }}>
          {sites.data?.items.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <DataTable
        label="Linkage rules"
        list={rules}
        columns={columns}
        empty={
          <Empty title="No linkage rules on this site">
            <p>Create one below, from a template or your own.</p>
          </Empty>
        }
      />
      <ErrorNotice error={remove.error} />
      {logRule && <FiringLog siteId={siteId} rule={logRule} deviceName={deviceName} onClose={() => setLogRule(null)} />}
      {siteId && templates.data && (
        <RuleEditor
          // A fresh form per rule edited (and for a new one), so its fields start from that rule.
          key={editing?.id ?? `new-${siteId}`}
          siteId={siteId}
          templates={templates.data.items}
          devices={devices.data?.items ?? []}
          webhooks={webhooks.data?.items ?? []}
          editing={editing}
          onSaved={() => {
            setEditing(null);
            rules.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
    </div>
  );
}

function FiringLog({ siteId, rule, deviceName, onClose }: { siteId: string; rule: Rule; deviceName: (id: string) => string; onClose: () => void }) {
  const firings = useAsync((signal) => linkageRulesApi.firings(siteId, rule.id, signal), [siteId, rule.id]);
  type Firing = NonNullable<typeof firings.data>['items'][number];
  const columns: TableColumn<Firing>[] = [
    { key: 'at', header: 'Fired', cell: (f) => formatDate(f.firedAt) },
    { key: 'event', header: 'Event', cell: (f) => `${EVENT_LABEL[f.eventType] ?? f.eventType}${f.subject ? ` (${f.subject.replace(':', ' ')})` : ''}` },
    {
      key: 'results',
      header: 'Actions',
      cell: (f) => (
        <ul className="plain">
          {f.actions.map((a, i) => (
            <li key={i}>
              {a.kind === 'device' ? `${deviceName(a.deviceId ?? '')}: ${OPERATION_LABEL[a.operation ?? ''] ?? a.operation}` : a.kind} — <StatusBadge status={a.status} />
              {a.detail ? <span className="muted"> {a.detail}</span> : null}
            </li>
          ))}
        </ul>
      ),
    },
  ];
  return (
    <section className="card" aria-labelledby="firing-log-title">
      <h2 id="firing-log-title">Firing log: {rule.name}</h2>
      <DataTable label="Firing log" list={firings} columns={columns} empty={<Empty title="It has not fired yet" />} />
      <button type="button" className="btn btn-ghost" onClick={onClose}>
        Close
      </button>
    </section>
  );
}
