import { useState, type FormEvent } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import { installersApi } from '../../api/endpoints';
import type { GetApiInstallersInvitationsResponse, Installer, Permission } from '../../api/types';
import { useAction, useAsync, type AsyncState } from '../../ui/async';
import { Empty, ErrorNotice, Field, formatDate, PageHeader } from '../../ui/components';
import { DataTable, type TableColumn } from '../../ui/DataTable';

const PERMISSION_LABEL: Record<Permission, string> = {
  manage_all: 'All sites',
  manage_assigned: 'Assigned sites only',
};

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [permission, setPermission] = useState<Permission>('manage_assigned');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [link, setLink] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    installersApi.invite({ email: email.trim(), name: name.trim(), permission }).then(
      (res) => {
        setBusy(false);
        setLink(res.inviteUrl);
        setEmail('');
        setName('');
        onInvited();
      },
      (err: unknown) => {
        setBusy(false);
        setError(toApiError(err));
      },
    );
  };
  return (
    <section className="card" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite an installer</h2>
      <form onSubmit={submit}>
        <Field label="Email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field label="Name" required value={name} onChange={(e) => setName(e.target.value)} />
        <div className="field">
          <label htmlFor="invite-permission">Can manage</label>
          <select id="invite-permission" value={permission} onChange={(e) => setPermission(e.target.value as Permission)}>
            <option value="manage_assigned">{PERMISSION_LABEL.manage_assigned}</option>
            <option value="manage_all">{PERMISSION_LABEL.manage_all}</option>
          </select>
        </div>
        <ErrorNotice error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy || !email || !name}>
          {busy ? 'Inviting…' : 'Send invitation'}
        </button>
      </form>
      {link && <InviteLink link={link} message="Invitation created. Send this link to the installer:" />}
    </section>
  );
}

function InviteLink({ link, message }: { link: string; message: string }) {
  return (
    <div className="notice notice-success" role="status">
      <p className="notice-message">{message}</p>
      <p>
        <code data-testid="invite-url" className="break">
          {link}
        </code>
      </p>
      <button type="button" className="btn btn-secondary" onClick={() => void navigator.clipboard?.writeText(link)}>
        Copy link
      </button>
    </div>
  );
}

type Invitation = GetApiInstallersInvitationsResponse['items'][number];

/** A pending invitation's actions; a resent invitation's new link is shown under its name. */
function useInvitationActions(i: Invitation, reload: () => void) {
  const [link, setLink] = useState<string | null>(null);
  const resend = useAction(async () => {
    setLink((await installersApi.resendInvitation(i.id)).inviteUrl);
    reload();
  });
  const cancel = useAction(async () => {
    await installersApi.cancelInvitation(i.id);
    reload();
  });
  return { link, resend, cancel };
}

const INVITATION_COLUMNS: TableColumn<Invitation, ReturnType<typeof useInvitationActions>>[] = [
  {
    key: 'invited',
    header: 'Invited',
    cell: (i, { link, resend, cancel }) => (
      <>
        {i.name}
        <br />
        <span className="muted">{i.email}</span>
        <ErrorNotice error={resend.error ?? cancel.error} />
        {link && <InviteLink link={link} message={`New link for ${i.email} (the old one no longer works):`} />}
      </>
    ),
  },
  { key: 'permission', header: 'Can manage', cell: (i) => PERMISSION_LABEL[i.permission] },
  {
    key: 'expires',
    header: 'Expires',
    cell: (i) => (
      <>
        {i.expired && (
          <>
            <span className="badge badge-offline">Expired</span>{' '}
          </>
        )}
        <span className={i.expired ? 'muted' : undefined}>{formatDate(i.expiresAt)}</span>
      </>
    ),
  },
  { key: 'by', header: 'Invited by', cell: (i) => (i.invitedBy ? i.invitedBy.name || i.invitedBy.email : <span className="muted">removed account</span>) },
  {
    key: 'actions',
    header: 'Actions',
    hideHeader: true,
    className: 'row-actions',
    cell: (i, { resend, cancel }) => (
      <>
        <button type="button" className="btn btn-secondary" disabled={resend.busy} onClick={() => resend.run()} aria-label={`Resend the invitation to ${i.email}`}>
          {resend.busy ? 'Sending…' : 'Resend'}
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={cancel.busy}
          aria-label={`Cancel the invitation to ${i.email}`}
          onClick={() => {
            if (window.confirm(`Cancel the invitation to ${i.email}? Its link stops working.`)) cancel.run();
          }}
        >
          Cancel
        </button>
      </>
    ),
  },
];

function PendingInvitations({ list }: { list: AsyncState<GetApiInstallersInvitationsResponse> }) {
  return (
    <section className="card" aria-labelledby="pending-title">
      <h2 id="pending-title">Pending invitations</h2>
      <DataTable label="Pending invitations" list={list} columns={INVITATION_COLUMNS} useRowState={useInvitationActions} empty={<p className="muted">No invitation is waiting to be accepted.</p>} />
    </section>
  );
}

/** An installer's actions (permission, disable, reset password, remove); what failed, or a reset link, is shown under the name. */
function useInstallerActions(_installer: Installer, reload: () => void) {
  const [error, setError] = useState<ApiError | undefined>();
  const [resetUrl, setResetUrl] = useState<string | null>(null);
  const act = (p: Promise<unknown>) =>
    p.then(
      () => reload(),
      (e: unknown) => setError(toApiError(e)),
    );
  const reset = (id: string) =>
    installersApi.resetPassword(id).then(
      (r) => setResetUrl(r.resetUrl),
      (e: unknown) => setError(toApiError(e)),
    );
  return { error, act, reset, resetUrl };
}

const INSTALLER_COLUMNS: TableColumn<Installer, ReturnType<typeof useInstallerActions>>[] = [
  {
    key: 'installer',
    header: 'Installer',
    cell: (installer, { error, resetUrl }) => (
      <>
        {installer.name}
        <br />
        <span className="muted">{installer.email}</span>
        {error && <ErrorNotice error={error} />}
        {resetUrl && (
          <p className="notice notice-success" role="status">
            Their sessions ended. Send them this one-time link to set a new password: <input className="input" readOnly value={resetUrl} aria-label={`Password reset link for ${installer.name}`} />
          </p>
        )}
      </>
    ),
  },
  {
    key: 'permission',
    header: 'Can manage',
    cell: (installer, { act }) => (
      <>
        <label className="sr-only" htmlFor={`perm-${installer.id}`}>
          Permission of {installer.name}
        </label>
        <select
          id={`perm-${installer.id}`}
          value={installer.permission}
          onChange={(e) => void act(installersApi.update(installer.id, { permission: e.target.value as Permission }))}
        >
          <option value="manage_assigned">{PERMISSION_LABEL.manage_assigned}</option>
          <option value="manage_all">{PERMISSION_LABEL.manage_all}</option>
        </select>
      </>
    ),
  },
  { key: 'state', header: 'State', cell: (installer) => (installer.disabled ? 'Disabled' : 'Active') },
  { key: 'since', header: 'Since', cell: (installer) => formatDate(installer.createdAt) },
  {
    key: 'actions',
    header: 'Actions',
    hideHeader: true,
    className: 'row-actions',
    cell: (installer, { act, reset }) => (
      <>
        <button type="button" className="btn btn-secondary" onClick={() => void act(installersApi.update(installer.id, { disabled: !installer.disabled }))}>
          {installer.disabled ? 'Enable' : 'Disable'}
        </button>
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => {
            if (window.confirm(`Reset the password of ${installer.name}? Their sessions end at once.`)) void reset(installer.id);
          }}
        >
          Reset password
        </button>
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => {
            if (window.confirm(`Remove ${installer.name}? They lose access at once.`)) void act(installersApi.remove(installer.id));
          }}
        >
          Remove
        </button>
      </>
    ),
  },
];

export function InstallersPage() {
  const list = useAsync(() => installersApi.list(), []);
  const invitations = useAsync(() => installersApi.invitations(), []);
  return (
    <div>
      <PageHeader title="Installers" />
      <div className="grid-2">
        <section className="card" aria-labelledby="team-title">
          <h2 id="team-title">Team</h2>
          <DataTable
            label="Installers"
            list={list}
            columns={INSTALLER_COLUMNS}
            useRowState={useInstallerActions}
            empty={
              <Empty title="No installers yet">
                {invitations.data?.items.length ? 'Invited installers join the team when they accept.' : 'Invite your first installer.'}
              </Empty>
            }
          />
        </section>
        <InviteForm onInvited={invitations.reload} />
      </div>
      <PendingInvitations list={invitations} />
    </div>
  );
}
