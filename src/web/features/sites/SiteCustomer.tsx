/**
 * The "Customer" section of a site page (decision 0015): who holds the site (not handed over,
 * invitation sent, handed over, authorized), and, while it is still the company's, the invitation
 * that hands it over to its customer — a link and QR code to send — with resend and cancel.
 */
import { useState, type FormEvent } from 'react';
import { custodyApi } from '../../api/endpoints';
import type { PostApiSitesIdInvitationsResponse } from '../../api/types';
import { api } from '../../api/client';
import { useAction, useAsync } from '../../ui/async';
import { ErrorNotice, Field, formatDate } from '../../ui/components';

const STATE_LABEL = {
  not_handed_over: 'Not handed over: your company manages the site.',
  invitation_sent: 'Invitation sent: waiting for the customer to accept.',
  handed_over: 'Handed over: the customer owns the site and has not authorized your company.',
  authorized: 'Handed over and authorized: your company manages the site for the customer.',
} as const;

export function SiteCustomer({ siteId }: { siteId: string }) {
  const access = useAsync((signal) => custodyApi.access(siteId, signal), [siteId]);
  const invitations = useAsync(() => custodyApi.invitations(siteId), [siteId]);
  const [email, setEmail] = useState('');
  const [created, setCreated] = useState<PostApiSitesIdInvitationsResponse | null>(null);
  const reload = () => {
    access.reload();
    invitations.reload();
  };
  const invite = useAction(async () => {
    setCreated(await custodyApi.invite(siteId, email.trim()));
    setEmail('');
    reload();
  });
  const resend = useAction(async (id: string) => {
    setCreated(await api.post<PostApiSitesIdInvitationsResponse>(`/api/sites/${encodeURIComponent(siteId)}/invitations/${encodeURIComponent(id)}/resend`));
    reload();
  });
  const cancel = useAction(async (id: string) => {
    await api.del<void>(`/api/sites/${encodeURIComponent(siteId)}/invitations/${encodeURIComponent(id)}`);
    setCreated(null);
    reload();
  });
  const state = access.data?.state;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.run();
  };
  return (
    <section className="card" aria-labelledby="customer-title" data-testid="site-customer">
      <h2 id="customer-title">Customer</h2>
      <ErrorNotice error={access.error} />
      {state && <p data-testid="custody-state">{STATE_LABEL[state]}</p>}
      {access.data?.owner && (
        <p>
          Owner: {access.data.owner.name} ({access.data.owner.email})
          {access.data.authorization && (
            <>
              {' '}
              · authorized {access.data.authorization.expiresAt ? `until ${formatDate(access.data.authorization.expiresAt)}` : 'permanently'} for{' '}
              {access.data.authorization.permissions.join(', ')}
            </>
          )}
        </p>
      )}
      {created && (
        <div className="notice notice-success" role="status">
          {created.email === 'queued' ? (
            <p data-testid="invitation-email">The link was e-mailed to {created.invitation.email}. You can also send it yourself (or let the customer scan the code) before {formatDate(created.invitation.expiresAt)}:</p>
          ) : (
            <p data-testid="invitation-email">
              {created.email === 'not_configured' ? 'E-mail is not configured on this server: ' : 'This address cannot receive e-mail: '}send this link (or let the customer scan the code) before {formatDate(created.invitation.expiresAt)}:
            </p>
          )}
          <input className="input" readOnly value={created.inviteUrl} aria-label="Invitation link" onFocus={(e) => e.target.select()} />
          <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(created.qrSvg)}`} alt="QR code of the invitation link" width={200} height={200} />
        </div>
      )}
      {(state === 'not_handed_over' || state === 'invitation_sent') && (
        <>
          {invitations.data?.items.map((i) => (
            <p key={i.id}>
              Invited {i.email} · {i.expired ? 'expired' : `expires ${formatDate(i.expiresAt)}`}{' '}
              <button type="button" className="btn btn-ghost" disabled={resend.busy} onClick={() => resend.run(i.id)}>
                Send again
              </button>
              <button type="button" className="btn btn-ghost" disabled={cancel.busy} onClick={() => cancel.run(i.id)}>
                Cancel
              </button>
            </p>
          ))}
          <form onSubmit={submit}>
            <Field label="Customer's e-mail" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
            <ErrorNotice error={invite.error ?? resend.error ?? cancel.error} />
            <button type="submit" className="btn btn-primary" disabled={invite.busy || !email.trim()}>
              Hand over to the customer
            </button>
          </form>
        </>
      )}
    </section>
  );
}
