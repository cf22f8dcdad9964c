/**
 * The "Agents" section of a site page: the site's agents (the programs that reach its LAN) with
 * their state; the installer admin adds one — a one-time enrolment token and the command line
 * that uses it, shown once — and revokes one (confirmed), which cuts it off at once.
 */
import { useCallback, useId, useRef, useState, type FormEvent } from 'react';
import { sitesApi } from '../../api/endpoints';
import type { PostApiSitesIdAgentsResponse, SiteAgent } from '../../api/types';
import { useAction, useAsync } from '../../ui/async';
import { Dialog, Empty, ErrorNotice, Field, formatDate } from '../../ui/components';
import { DataTable, type TableColumn } from '../../ui/DataTable';

function stateLabel(a: SiteAgent): string {
  if (a.state === 'enrolling') return `Waiting to enrol (until ${formatDate(a.enrolExpiresAt)})`;
  if (a.state === 'expired') return 'Enrolment expired: revoke it and add another';
  return a.online ? 'Online' : 'Offline';
}

function NewAgent({ created, onDone }: { created: PostApiSitesIdAgentsResponse; onDone: () => void }) {
  const ref = useRef<HTMLInputElement>(null);
  const id = useId();
  const [copied, setCopied] = useState<string | null>(null);
  const copy = () => {
    const select = () => {
      ref.current?.select();
      setCopied('Command selected: press Ctrl+C (⌘C) to copy.');
    };
    if (!navigator.clipboard) return select();
    navigator.clipboard.writeText(created.command).then(() => setCopied('Command copied.'), select);
  };
  return (
    <section className="notice notice-success" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="notice-message">
        Agent “{created.agent.name}” added
      </h3>
      <p>
        <strong>Copy the command now: its token is not shown again</strong> (Sitekeeper keeps only a hash of it). Run it once on a machine on the
        site&apos;s network before {formatDate(created.expiresAt)}; the agent then keeps its own key and the token stops working.
      </p>
      <div className="field">
        <label htmlFor={id}>Command to run on the site network</label>
        <input id={id} ref={ref} readOnly value={created.command} spellCheck={false} autoComplete="off" onFocus={(e) => e.currentTarget.select()} />
      </div>
      <div className="row-actions">
        <button type="button" className="btn btn-primary" onClick={copy}>
          Copy command
        </button>
        <button type="button" className="btn btn-secondary" onClick={onDone}>
          Done
        </button>
      </div>
      <p role="status" className="muted">
        {copied ?? ''}
      </p>
    </section>
  );
}

function RevokeDialog({ siteId, agent, onClose, onRevoked }: { siteId: string; agent: SiteAgent | null; onClose: () => void; onRevoked: () => void }) {
  const revoke = useAction(
    useCallback(async () => {
      if (!agent) return;
      await sitesApi.revokeAgent(siteId, agent.id);
      onRevoked();
    }, [siteId, agent, onRevoked]),
  );
  return (
    <Dialog open={agent !== null} title="Revoke this agent?" onClose={onClose}>
      <p>
        <strong>{agent?.name}</strong> is disconnected at once and refused from now on; devices on the site network are no longer reached through it. This
        cannot be undone: to use the machine again, add a new agent.
      </p>
      <ErrorNotice error={revoke.error} />
      <div className="dialog-actions">
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" disabled={revoke.busy} onClick={() => revoke.run()}>
          {revoke.busy ? 'Revoking…' : 'Revoke agent'}
        </button>
      </div>
    </Dialog>
  );
}

export function SiteAgents({ siteId, canManage }: { siteId: string; canManage: boolean }) {
  const list = useAsync(() => sitesApi.agents(siteId), [siteId]);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<PostApiSitesIdAgentsResponse | null>(null);
  const [revoking, setRevoking] = useState<SiteAgent | null>(null);
  const add = useAction(
    useCallback(async () => {
      const res = await sitesApi.addAgent(siteId, name.trim() || undefined);
      setName('');
      setCreated(res);
      list.reload();
    }, [siteId, name, list]),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.run();
  };
  const columns: TableColumn<SiteAgent>[] = [
    { key: 'name', header: 'Agent', className: 'break', cell: (a) => (<>{a.name} <span className="muted">({a.id})</span></>) },
    { key: 'state', header: 'State', cell: stateLabel },
    { key: 'version', header: 'Version', cell: (a) => a.version ?? '—' },
    { key: 'seen', header: 'Last seen', cell: (a) => (a.lastSeenAt ? formatDate(a.lastSeenAt) : 'Never') },
    ...(canManage
      ? [{
          key: 'actions', header: 'Actions', hideHeader: true,
          cell: (a: SiteAgent) => (
            <button type="button" className="btn btn-secondary" onClick={() => setRevoking(a)}>
              Revoke
            </button>
          ),
        }]
      : []),
  ];
  return (
    <section className="card" aria-labelledby="site-agents">
      <h2 id="site-agents">Agents</h2>
      <p className="muted">An agent runs on a machine on the site&apos;s network and lets Sitekeeper find and set up devices there. It acts for this site only.</p>
      <DataTable label="Agents of this site" list={list} columns={columns} empty={<Empty title="No agent on this site yet" />} />
      {created && <NewAgent created={created} onDone={() => setCreated(null)} />}
      {canManage && !created && (
        <form onSubmit={submit}>
          <Field label="Agent name" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} hint="Where it runs, e.g. “rack PC”. Optional." />
          <ErrorNotice error={add.error} />
          <button type="submit" className="btn btn-primary" disabled={add.busy}>
            {add.busy ? 'Adding…' : 'Add agent'}
          </button>
        </form>
      )}
      <RevokeDialog
        siteId={siteId}
        agent={revoking}
        onClose={() => setRevoking(null)}
        onRevoked={() => {
          setRevoking(null);
          list.reload();
        }}
      />
    </section>
  );
}
