import { useState, type FormEvent } from 'react';
import { authApi, invitationsApi, setupApi } from '../../api/endpoints';
import { Link, navigate, useLocation, useParams } from '../../app/router';
import { useSession } from '../../app/session';
import { useAction, useAsync } from '../../ui/async';
import { ErrorNotice, Field, formatDate, Loading, PageHeader } from '../../ui/components';
import { accountPasswordCheck } from '../../ui/password';
import { PasswordField } from '../../ui/rules';

/** Only same-origin paths are followed after sign-in (no open redirect). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}

const runWork = async (work: () => Promise<void>) => work();
/** A form's submit: busy and error while `work` runs (useAction with the work as its argument). */
function useSubmit() {
  return useAction(runWork);
}

export function SignInPage() {
  const { search } = useLocation();
  const session = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [failedAttempts, setFailedAttempts] = useState(0);
  const form = useSubmit();
  const setup = useAsync(() => setupApi.status(), []);
  const next = safeNext(search.get('next'));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    form.run(async () => {
      const s = await authApi.login(email.trim(), password);
      session.signedIn(s);
      // Failed attempts since the last sign-in: say so before going on (it may not have been the owner).
      if (s.failedAttemptsSinceLastLogin > 0) setFailedAttempts(s.failedAttemptsSinceLastLogin);
      else navigate(next, { replace: true });
    });
  };

  if (failedAttempts > 0) {
    return (
      <div className="auth-card">
        <PageHeader title="Signed in" />
        <p className="notice notice-warning" role="alert">
          {failedAttempts === 1 ? 'There was 1 failed sign-in attempt' : `There were ${failedAttempts} failed sign-in attempts`} on your account since you last signed
          in. If that was not you, change your password.
        </p>
        <button type="button" className="btn btn-primary" onClick={() => navigate('/account/password')}>
          Change password
        </button>{' '}
        <button type="button" className="btn" onClick={() => navigate(next, { replace: true })}>
          Continue
        </button>
      </div>
    );
  }

  return (
    <div className="auth-card">
      <PageHeader title="Sign in" />
      {setup.data?.needsSetup && (
        <p className="notice notice-info">
          Sitekeeper is not set up yet. Open the setup link printed on the server console (it looks like /setup?token=…).
        </p>
      )}
      <form onSubmit={submit}>
        <Field label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <PasswordField label="Password" autoComplete="current-password" required value={password} onValue={setPassword} />
        <ErrorNotice error={form.error} />
        <button type="submit" className="btn btn-primary btn-big" disabled={form.busy || !email || !password}>
          {form.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}

export function SetupPage() {
  const { search } = useLocation();
  const session = useSession();
  const [token, setToken] = useState(search.get('token') ?? '');
  const [companyName, setCompanyName] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useSubmit();
  const status = useAsync(() => setupApi.status(), []);
  const check = accountPasswordCheck(password, email);

  if (status.data && !status.data.needsSetup) {
    return (
      <div className="auth-card">
        <PageHeader title="Already set up" />
        <p>This Sitekeeper already has an installer admin. Sign in instead.</p>
        <button type="button" className="btn btn-primary" onClick={() => navigate('/sign-in')}>
          Go to sign-in
        </button>
      </div>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    form.run(async () => {
      const res = await setupApi.create({ token: token.trim(), companyName, name, email: email.trim(), password });
      session.signedIn(res); // the setup answer is the session itself: no need to ask /me again
      navigate('/sites', { replace: true });
    });
  };
  return (
    <div className="auth-card">
      <PageHeader title="Set up Sitekeeper" />
      <p>Create your installer company and its first admin account.</p>
      {status.loading && <Loading />}
      <ErrorNotice error={status.error} />
      <form onSubmit={submit}>
        <Field label="Setup token" required value={token} onChange={(e) => setToken(e.target.value)} hint="Printed on the server console at first start." />
        <Field label="Company name" required autoComplete="organization" value={companyName} onChange={(e) => setCompanyName(e.target.value)} />
        <Field label="Your name" required autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        <Field label="Email" type="email" required autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />
        <PasswordField label="Password" required value={password} onValue={setPassword} rules={check.rules} strength={check.strength} reason={check.reason} />
        <ErrorNotice error={form.error} />
        <button
          type="submit"
          className="btn btn-primary btn-big"
          disabled={form.busy || !token || !companyName || !name || !email || !check.ok}
        >
          {form.busy ? 'Setting up…' : 'Create admin account'}
        </button>
      </form>
    </div>
  );
}

export function InvitationPage() {
  const params = useParams();
  const { search } = useLocation();
  const token = params.token ?? search.get('token') ?? '';
  const session = useSession();
  const info = useAsync(() => invitationsApi.get(token), [token]);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const form = useSubmit();
  const check = accountPasswordCheck(password, info.data?.email);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    form.run(async () => {
      const s = await invitationsApi.accept(token, { name: name || info.data?.name || '', password });
      session.signedIn(s);
      navigate('/sites', { replace: true });
    });
  };
  return (
    <div className="auth-card">
      <PageHeader title="Join your team" />
      {info.loading && <Loading />}
      <ErrorNotice error={info.error} />
      {info.data && (
        <>
          <p>
            {info.data.companyName} invited <strong>{info.data.email}</strong> to Sitekeeper. The invitation expires{' '}
            {formatDate(info.data.expiresAt)}.
          </p>
          <form onSubmit={submit}>
            <Field label="Your name" autoComplete="name" required value={name || info.data.name} onChange={(e) => setName(e.target.value)} />
            <PasswordField label="Choose a password" required value={password} onValue={setPassword} rules={check.rules} strength={check.strength} reason={check.reason} />
            <ErrorNotice error={form.error} />
            <button type="submit" className="btn btn-primary btn-big" disabled={form.busy || !check.ok}>
              {form.busy ? 'Joining…' : 'Accept invitation'}
            </button>
          </form>
        </>
      )}
    </div>
  );
}

export function PasswordPage() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [revokeTokens, setRevokeTokens] = useState(true);
  const [done, setDone] = useState(false);
  const form = useSubmit();
  const { user } = useSession();
  const check = accountPasswordCheck(next, user?.email);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    form.run(async () => {
      await authApi.changePassword(current, next, revokeTokens);
      setDone(true);
      setCurrent('');
      setNext('');
      setConfirm('');
    });
  };
  return (
    <div className="auth-card">
      <PageHeader title="Change password" />
      {done && (
        <p className="notice notice-success" role="status">
          Your password was changed{revokeTokens ? ' and your API tokens were revoked' : ''}.
        </p>
      )}
      <form onSubmit={submit}>
        <PasswordField label="Current password" autoComplete="current-password" required value={current} onValue={setCurrent} />
        <PasswordField label="New password" required value={next} onValue={setNext} rules={check.rules} strength={check.strength} reason={check.reason} />
        <PasswordField
          label="Confirm new password"
          required
          value={confirm}
          onValue={setConfirm}
          error={confirm && confirm !== next ? 'The two passwords differ.' : undefined}
        />
        <label className="checkbox">
          <input type="checkbox" checked={revokeTokens} onChange={(e) => setRevokeTokens(e.target.checked)} /> Also revoke my API tokens (scripts and the
          command line need a new one)
        </label>
        <ErrorNotice error={form.error} />
        <button type="submit" className="btn btn-primary" disabled={form.busy || !current || next !== confirm || !check.ok}>
          Change password
        </button>
      </form>
      <p>
        For the <code>sitekeeper</code> command line and scripts: <Link to="/account/tokens">API tokens</Link>
      </p>
    </div>
  );
}
