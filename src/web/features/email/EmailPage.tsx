import { emailApi } from '../../api/endpoints';
import type { GetApiEmailDeliveriesResponse } from '../../api/generated';
import { useAction, useAsync } from '../../ui/async';
import { Empty, ErrorNotice, formatDate, PageHeader, StatusBadge } from '../../ui/components';
import { DataTable, type TableColumn } from '../../ui/DataTable';

type Delivery = GetApiEmailDeliveriesResponse['items'][number];

const KIND: Record<string, string> = { exception: 'Exception', storm: 'Site outage', storm_recovered: 'Site recovered', site_invitation: 'Site invitation', test: 'Test' };

const COLUMNS: TableColumn<Delivery>[] = [
  { key: 'when', header: 'When', cell: (d) => formatDate(d.createdAt) },
  { key: 'kind', header: 'What', cell: (d) => KIND[d.kind] ?? d.kind },
  { key: 'to', header: 'To', cell: (d) => <span className="break">{d.recipient}</span> },
  { key: 'subject', header: 'Subject', cell: (d) => d.subject },
  { key: 'state', header: 'State', cell: (d) => <StatusBadge status={d.state} /> },
  { key: 'attempts', header: 'Attempts', className: 'num', cell: (d) => d.attempts },
  { key: 'answer', header: 'Last error', cell: (d) => d.lastError ?? '—' },
];

/** E-mail delivery (installer admins): whether SMTP is configured, the delivery log, a test e-mail to yourself. */
export function EmailPage() {
  const status = useAsync((signal) => emailApi.status(signal), []);
  const log = useAsync((signal) => emailApi.deliveries(signal), []);
  const test = useAction(async () => {
    await emailApi.test();
    log.reload();
  });
  const configured = status.data?.configured;
  return (
    <div>
      <PageHeader title="E-mail" />
      <ErrorNotice error={status.error} />
      {configured === true && (
        <p data-testid="email-state">
          E-mail is on: exceptions and site invitations are also e-mailed, from <code>{status.data?.from}</code>.{' '}
          <button type="button" className="btn btn-secondary" disabled={test.busy} onClick={() => test.run()}>
            Send me a test e-mail
          </button>
        </p>
      )}
      {configured === false && (
        <p className="notice" data-testid="email-state">
          E-mail is not configured on this server: exceptions arrive in-app and by webhook, and invitation links are sent by hand. The operator sets SMTP_URL and SMTP_FROM.
        </p>
      )}
      <ErrorNotice error={test.error} />
      <DataTable
        label="E-mail delivery log"
        list={log}
        columns={COLUMNS}
        empty={
          <Empty title="No e-mail sent yet">
            <p>{configured ? 'Send a test e-mail to check the SMTP server.' : 'Nothing is e-mailed while SMTP is not configured.'}</p>
          </Empty>
        }
      />
    </div>
  );
}
