import { useState, type FormEvent } from 'react';
import { webhooksApi } from '../../api/endpoints';
import type { GetApiWebhooksIdDeliveriesResponse, GetApiWebhooksResponse } from '../../api/generated';
import { useAction, useAsync } from '../../ui/async';
import { Empty, ErrorNotice, formatDate, PageHeader, StatusBadge } from '../../ui/components';
import { DataTable, type TableColumn } from '../../ui/DataTable';

type Endpoint = GetApiWebhooksResponse['items'][number];
type Delivery = GetApiWebhooksIdDeliveriesResponse['items'][number];

const DELIVERY_COLUMNS: TableColumn<Delivery>[] = [
  { key: 'when', header: 'When', cell: (d) => formatDate(d.createdAt) },
  { key: 'event', header: 'Event', cell: (d) => <code>{d.eventType}</code> },
  { key: 'status', header: 'Status', cell: (d) => <StatusBadge status={d.status} /> },
  { key: 'attempts', header: 'Attempts', className: 'num', cell: (d) => d.attempts },
  { key: 'answer', header: 'Answer', cell: (d) => d.lastError ?? (d.lastStatusCode === null ? '—' : `HTTP ${d.lastStatusCode}`) },
];

/** One endpoint's delivery log, newest first, with "Send test". */
function Deliveries({ endpoint }: { endpoint: Endpoint }) {
  const log = useAsync((signal) => webhooksApi.deliveries(endpoint.id, signal), [endpoint.id]);
  const test = useAction(async () => {
    await webhooksApi.test(endpoint.id);
    log.reload();
  });
  return (
    <section className="card" aria-labelledby="deliveries-title" data-testid="webhook-deliveries">
      <h2 id="deliveries-title">Deliveries to {endpoint.name}</h2>
      <div className="form-actions">
        <button type="button" className="btn btn-secondary" disabled={test.busy} onClick={() => test.run()}>
          Send test
        </button>
      </div>
      <ErrorNotice error={test.error} />
      <DataTable label={`Deliveries to ${endpoint.name}`} list={log} columns={DELIVERY_COLUMNS} empty={<p className="muted">Nothing sent yet: send a test.</p>} />
    </section>
  );
}

/** Signed webhooks: where exceptions are POSTed, each signed with the endpoint's secret. */
export function WebhooksPage() {
  const list = useAsync((signal) => webhooksApi.list(signal), []);
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState<{ name: string; secret: string }>();
  const [open, setOpen] = useState<string>();
  const add = useAction(async () => {
    const r = await webhooksApi.create({ name, url, types: [], enabled: true });
    setSecret({ name: r.endpoint.name, secret: r.secret });
    setName('');
    setUrl('');
    setOpen(r.endpoint.id);
    list.reload();
  });
  const remove = useAction(async (id: string) => {
    await webhooksApi.remove(id);
    if (open === id) setOpen(undefined);
    list.reload();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.run();
  };
  const columns: TableColumn<Endpoint>[] = [
    { key: 'name', header: 'Name', cell: (w) => w.name },
    { key: 'url', header: 'URL', cell: (w) => <span className="break">{w.url}</span> },
    { key: 'types', header: 'Events', cell: (w) => (w.types.length === 0 ? 'All exceptions' : w.types.join(', ')) },
    { key: 'enabled', header: 'State', cell: (w) => <StatusBadge status={w.enabled ? 'enabled' : 'disabled'} /> },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      cell: (w) => (
        <>
          <button type="button" className="btn btn-ghost" onClick={() => setOpen(w.id)} aria-label={`Deliveries: ${w.name}`}>
            Deliveries
          </button>
          <button type="button" className="btn btn-ghost" disabled={remove.busy} onClick={() => remove.run(w.id)} aria-label={`Delete: ${w.name}`}>
            Delete
          </button>
        </>
      ),
    },
  ];
  const selected = list.data?.items.find((w) => w.id === open);
  return (
    <div>
      <PageHeader title="Webhooks" />
      <form className="card" onSubmit={submit} aria-labelledby="add-webhook-title">
        <h2 id="add-webhook-title">Add an endpoint</h2>
        <div className="field">
          <label htmlFor="webhook-name">Name</label>
          <input id="webhook-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="webhook-url">URL</label>
          <input id="webhook-url" type="url" required placeholder="https://noc.example.com/sitekeeper" value={url} onChange={(e) => setUrl(e.target.value)} />
        </div>
        <ErrorNotice error={add.error} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={add.busy}>
            Add endpoint
          </button>
        </div>
      </form>
      {secret && (
        <div className="notice" role="status" data-testid="webhook-secret">
          <p>
            Signing secret of {secret.name}, shown this once: <code>{secret.secret}</code>
          </p>
          <p className="muted">Each request carries Sitekeeper-Signature: t=…,v1=HMAC-SHA256(secret, &quot;t.body&quot;).</p>
        </div>
      )}
      <ErrorNotice error={remove.error} />
      <DataTable
        label="Webhook endpoints"
        list={list}
        columns={columns}
        empty={
          <Empty title="No webhooks yet">
            <p>Add an endpoint to have exceptions POSTed to your own systems.</p>
          </Empty>
        }
      />
      {selected && <Deliveries key={selected.id} endpoint={selected} />}
    </div>
  );
}
