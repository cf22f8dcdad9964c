/**
 * "Invite end users" (the portal's home): the end-user app's link and QR code to give customers,
 * with the version it needs. A customer gets their sites through a site's handover (Customer section).
 */
import { useState } from 'react';
import { custodyApi } from '../../api/endpoints';
import { useAsync } from '../../ui/async';

export function InviteEndUsersBanner() {
  const app = useAsync((signal) => custodyApi.endUserApp(signal), []);
  const [open, setOpen] = useState(false);
  if (!app.data) return null;
  return (
    <section className="notice" aria-labelledby="invite-end-users" data-testid="invite-end-users">
      <h2 id="invite-end-users" className="notice-message">
        Invite end users
      </h2>
      <p>
        Your customers see their sites, their devices&apos; health and decide when you may manage them in the Sitekeeper app:{' '}
        <a href={app.data.url}>{app.data.url}</a> (Sitekeeper {app.data.minimumVersion} or later; on a phone, add it to the home screen). Hand a site over
        from its page to send the customer their invitation.
      </p>
      <button type="button" className="btn btn-ghost" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {open ? 'Hide QR code' : 'Show QR code'}
      </button>
      {open && <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(app.data.qrSvg)}`} alt="QR code of the end-user app" width={180} height={180} />}
    </section>
  );
}
