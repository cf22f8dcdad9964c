/**
 * /account/tokens: the signed-in user's API tokens (for `sitekeeper add` and scripts). A new
 * token is shown once, right after it is created; the list never holds a secret.
 */
import { useCallback, useId, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { authApi } from '../../api/endpoints';
import type { GetApiAuthTokensResponse } from '../../api/types';
import { Link } from '../../app/router';
import { useAction, useAsync } from '../../ui/async';
import { Dialog, Empty, ErrorNotice, Field, formatDate, PageHeader } from '../../ui/components';
import { DataTable, type TableColumn } from '../../ui/DataTable';

type ApiToken = GetApiAuthTokensResponse['items'][number];

/** The server's cap (API_TOKEN_LIMIT beyond it). */
const MAX_TOKENS = 50;

/** Copies with the Clipboard API where there is one (secure contexts), else selects the text for Ctrl+C. */
function useCopy() {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = (what: string, text: string, select?: () => void) => {
    const fallback = () => {
      select?.();
      setCopied(`${what}: selected, press Ctrl+C (⌘C) to copy.`);
    };
    if (!navigator.clipboard) return fallback();
    navigator.clipboard.writeText(text).then(() => setCopied(`${what} copied.`), fallback);
  };
  return { copied, copy, reset: () => setCopied(null) };
}

/** A read-only text box whose whole value is selected on focus, for copying a secret or a command. */
function CopyField({ label, value, inputRef, hint }: { label: string; value: string; inputRef: RefObject<HTMLInputElement | null>; hint?: ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        ref={inputRef}
        readOnly
        value={value}
        spellCheck={false}
        autoComplete="off"
        aria-describedby={hint ? `${id}-hint` : undefined}
        onFocus={(e) => e.currentTarget.select()}
      />
      {hint && (
        <div id={`${id}-hint`} className="field-hint">
          {hint}
        </div>
      )}
    </div>
  );
}

function NewToken({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  const tokenRef = useRef<HTMLInputElement>(null);
  const lineRef = useRef<HTMLInputElement>(null);
  const { copied, copy } = useCopy();
  const line = `export SITEKEEPER_URL=${window.location.origin} SITEKEEPER_TOKEN=${token}`;
  return (
    <section className="notice notice-success" aria-labelledby="new-token-title">
      <h2 id="new-token-title" className="notice-message">
        Token “{name}” created
      </h2>
      <p>
        <strong>Copy it now: it is not shown again.</strong> Sitekeeper keeps only a hash of it.
      </p>
      <CopyField inputRef={tokenRef} label="New API token" value={token} />
      <div className="row-actions">
        <button type="button" className="btn btn-primary" onClick={() => copy('Token', token, () => tokenRef.current?.select())}>
          Copy token
        </button>
      </div>
      <CopyField
        inputRef={lineRef}
        label="For the sitekeeper command line"
        value={line}
        hint={
          <>
            Paste it into your shell, then run <code>sitekeeper add --site …</code>.
          </>
        }
      />
      <div className="row-actions">
        <button type="button" className="btn btn-secondary" onClick={() => copy('Command line', line, () => lineRef.current?.select())}>
          Copy command line
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

function CreateForm({ count, onCreated }: { count: number; onCreated: (name: string, token: string) => void }) {
  const [name, setName] = useState('');
  const create = useAction(
    useCallback(async () => {
      const trimmed = name.trim();
      const res = await authApi.createToken(trimmed);
      setName('');
      onCreated(trimmed, res.token);
    }, [name, onCreated]),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.run();
  };
  return (
    <section className="card" aria-labelledby="create-token-title">
      <h2 id="create-token-title">Create a token</h2>
      <form onSubmit={submit}>
        <Field
          label="Token name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          hint={`What uses it, e.g. “laptop” or “nightly export”. You have ${count} of ${MAX_TOKENS}.`}
        />
        <ErrorNotice error={create.error} />
        <button type="submit" className="btn btn-primary" disabled={create.busy || !name.trim()}>
          {create.busy ? 'Creating…' : 'Create token'}
        </button>
      </form>
    </section>
  );
}

function RevokeDialog({ token, onClose, onRevoked }: { token: ApiToken | null; onClose: () => void; onRevoked: () => void }) {
  const revoke = useAction(
    useCallback(async () => {
      if (!token) return;
      await authApi.revokeToken(token.id);
      onRevoked();
    }, [token, onRevoked]),
  );
  return (
    <Dialog open={token !== null} title="Revoke this token?" onClose={onClose}>
      <p>
        Scripts and command lines using <strong>{token?.name}</strong> stop working at once. This cannot be undone.
      </p>
      <ErrorNotice error={revoke.error} />
      <div className="dialog-actions">
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" disabled={revoke.busy} onClick={() => revoke.run()}>
          {revoke.busy ? 'Revoking…' : 'Revoke token'}
        </button>
      </div>
    </Dialog>
  );
}

function tokenColumns(onRevoke: (token: ApiToken) => void): TableColumn<ApiToken>[] {
  return [
    { key: 'name', header: 'Name', className: 'break', cell: (t) => t.name },
    { key: 'created', header: 'Created', cell: (t) => formatDate(t.createdAt) },
    { key: 'used', header: 'Last used', cell: (t) => (t.lastUsedAt ? formatDate(t.lastUsedAt) : 'Never') },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      className: 'row-actions',
      cell: (t) => (
        <button type="button" className="btn btn-danger" onClick={() => onRevoke(t)}>
          Revoke<span className="sr-only"> {t.name}</span>
        </button>
      ),
    },
  ];
}

export function TokensPage() {
  const list = useAsync((signal) => authApi.tokens(signal), []);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const reload = list.reload;
  const onCreated = useCallback(
    (name: string, token: string) => {
      setCreated({ name, token });
      reload();
    },
    [reload],
  );
  const onRevoked = useCallback(() => {
    setRevoking(null);
    reload();
  }, [reload]);

  return (
    <div>
      <PageHeader title="API tokens" />
      <p>
        An API token lets the <code>sitekeeper</code> command line or your own scripts act as you (header{' '}
        <code>Authorization: Bearer …</code>). Revoke a token you no longer use. <Link to="/account/password">Change your password</Link>
      </p>
      {created && <NewToken name={created.name} token={created.token} onDone={() => setCreated(null)} />}
      <div className="grid-2">
        <section className="card" aria-labelledby="tokens-title">
          <h2 id="tokens-title">Your tokens</h2>
          <DataTable
            label="API tokens"
            list={list}
            columns={tokenColumns(setRevoking)}
            empty={<Empty title="No API tokens yet">Create one for the command line or a script.</Empty>}
          />
        </section>
        <CreateForm count={list.data?.items.length ?? 0} onCreated={onCreated} />
      </div>
      <RevokeDialog key={revoking?.id ?? 'none'} token={revoking} onClose={() => setRevoking(null)} onRevoked={onRevoked} />
    </div>
  );
}
