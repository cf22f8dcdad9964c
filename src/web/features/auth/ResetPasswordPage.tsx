import { useState, type FormEvent } from 'react';
import { passwordResetApi } from '../../api/endpoints';
import { Link, useLocation } from '../../app/router';
import { useAction, useAsync } from '../../ui/async';
import { ErrorNotice, formatDate, Loading, PageHeader } from '../../ui/components';
import { accountPasswordCheck } from '../../ui/password';
import { PasswordField } from '../../ui/rules';

/** The one-time link an installer admin made: choose a new password, then sign in. */
export function ResetPasswordPage() {
  const { search } = useLocation();
  const token = search.get('token') ?? '';
  const info = useAsync(() => passwordResetApi.describe(token), [token]);
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const form = useAction(async () => {
    await passwordResetApi.complete(token, password);
    setDone(true);
  });
  const check = accountPasswordCheck(password, info.data?.email);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    form.run();
  };
  return (
    <div className="auth-card">
      <PageHeader title="Set a new password" />
      {info.loading && <Loading />}
      {!done && <ErrorNotice error={info.error} />}
      {done ? (
        <p className="notice notice-success" role="status">
          Your password was set. <Link to="/sign-in">Sign in</Link>
        </p>
      ) : (
        info.data && (
          <form onSubmit={submit}>
            <p>
              For <strong>{info.data.email}</strong>; the link works until {formatDate(info.data.expiresAt)}, once.
            </p>
            <PasswordField label="New password" required value={password} onValue={setPassword} rules={check.rules} strength={check.strength} reason={check.reason} />
            <ErrorNotice error={form.error} />
            <button type="submit" className="btn btn-primary btn-big" disabled={form.busy || !check.ok}>
              Set password
            </button>
          </form>
        )
      )}
    </div>
  );
}
