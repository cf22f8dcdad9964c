import { useState, type FormEvent } from 'react';
import { devicesApi } from '../../api/endpoints';
import type { GetApiDevicesIdConfigUsersResponse } from '../../api/generated';
import { useAction, useAsync } from '../../ui/async';
import { ErrorNotice, Field, Loading } from '../../ui/components';
import { devicePasswordRules, passwordStrength } from '../../ui/password';
import { PasswordField } from '../../ui/rules';

type DeviceUser = GetApiDevicesIdConfigUsersResponse['items'][number];
type Level = 'Operator' | 'Viewer';
const LEVELS: Level[] = ['Operator', 'Viewer'];
/** As the server's schema: printable, no spaces or < > & " ' \ (1–32). */
const USER_NAME = /^[!#-%(-;=?-[\]-~]{1,32}$/;

/**
 * The device's own users (remote configuration; cameras, recorders and other devices: an AX Pro's are
 * its panel accounts): the list with levels, add, change a password or level, delete (confirmed).
 * Passwords go to the device only; the rules are the device's, shown while typing and checked again
 * by the server before anything is sent. The admin is listed but not changed here.
 */
export function DeviceUsers({ deviceId, type }: { deviceId: string; type: string }) {
  if (type === 'axpro') {
    return (
      <div data-testid="config-users">
        <h3>Users</h3>
        <p className="muted">An AX Pro's users are its panel accounts, kept in step with who manages the site (see Panel accounts).</p>
      </div>
    );
  }
  return <DeviceUserList deviceId={deviceId} />;
}

function DeviceUserList({ deviceId }: { deviceId: string }) {
  const users = useAsync((signal) => devicesApi.deviceUsers(deviceId, signal), [deviceId]);
  const [editing, setEditing] = useState<number | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const remove = useAction(async (u: DeviceUser) => {
    await devicesApi.deleteDeviceUser(deviceId, u.id);
    setDone(`${u.userName} was deleted from the device.`);
    users.reload();
  });
  const changed = (text: string) => {
    setEditing(null);
    setDone(text);
    users.reload();
  };
  return (
    <div data-testid="config-users">
      <h3>Users</h3>
      <p className="muted">The device's own user accounts, for people who sign in to the device or its app. Each change is confirmed to the device with its admin password and recorded in the audit log (never a password).</p>
      {!users.data && users.loading && <Loading />}
      <ErrorNotice error={users.error} onRetry={users.reload} />
      {users.data && (
        <ul className="device-user-list" data-testid="config-users-list">
          {users.data.items.map((u) => (
            <li key={u.id} data-testid="config-user" data-user={u.userName}>
              <strong>{u.userName}</strong> · {u.userLevel}
              {u.admin ? (
                <div className="muted">The admin: Sitekeeper signs in with it. Change its password on the device itself, then enter the new one as the device's admin password.</div>
              ) : (
                <div className="row-actions">
                  <button type="button" className="btn btn-secondary" data-testid="config-user-change" aria-expanded={editing === u.id} onClick={() => {
                      setDone(null);
                      setEditing(editing === u.id ? null : u.id);
                    }}>
                    Change
                  </button>
                  <button
                    type="button"
                    className="btn btn-danger"
                    data-testid="config-user-delete"
                    disabled={remove.busy}
                    onClick={() => {
                      setDone(null);
                      if (window.confirm(`Delete the user ${u.userName} from the device? They can no longer sign in to it.`)) remove.run(u);
                    }}
                  >
                    Delete
                  </button>
                </div>
              )}
              {editing === u.id && <ChangeUserForm deviceId={deviceId} user={u} onDone={changed} />}
            </li>
          ))}
        </ul>
      )}
      <ErrorNotice error={remove.error} />
      {done && (
        <p role="status" data-testid="config-users-done">
          {done}
        </p>
      )}
      {users.data && <AddUserForm deviceId={deviceId} onDone={changed} />}
    </div>
  );
}

function LevelSelect({ id, value, onChange }: { id: string; value: Level; onChange: (l: Level) => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>Level</label>
      <select id={id} data-testid={id} value={value} onChange={(e) => onChange(e.target.value as Level)}>
        {LEVELS.map((l) => (
          <option key={l} value={l}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

function AddUserForm({ deviceId, onDone }: { deviceId: string; onDone: (text: string) => void }) {
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [level, setLevel] = useState<Level>('Viewer');
  // The user-name rule once there is a name to compare with.
  const rules = devicePasswordRules(password, userName || 'admin').filter((r) => userName !== '' || r.id !== 'user');
  const nameOk = USER_NAME.test(userName);
  const valid = nameOk && rules.every((r) => r.ok) && password === confirm;
  const add = useAction(async () => {
    const r = await devicesApi.addDeviceUser(deviceId, { userName, password, userLevel: level });
    setUserName('');
    setPassword('');
    setConfirm('');
    onDone(`${r.userName} was added to the device as ${r.userLevel}.`);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (valid) add.run();
  };
  return (
    <form onSubmit={submit} noValidate data-testid="config-user-add">
      <h4>Add a user</h4>
      <Field label="User name" autoComplete="off" data-testid="config-user-name" value={userName} maxLength={32} onChange={(e) => setUserName(e.target.value)} error={userName && !nameOk ? '1–32 characters, no spaces or < > & " \' \\' : undefined} />
      <PasswordField label="Password" data-testid="config-user-password" value={password} onValue={setPassword} maxLength={16} rules={rules} strength={passwordStrength(password, userName || 'admin')} />
      <PasswordField label="Confirm password" data-testid="config-user-confirm" value={confirm} onValue={setConfirm} maxLength={16} error={confirm && confirm !== password ? 'The two passwords differ.' : undefined} />
      <LevelSelect id="config-user-level" value={level} onChange={setLevel} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="config-user-add-save" disabled={add.busy || !valid}>
          {add.busy ? 'Adding…' : 'Add user'}
        </button>
      </div>
      <ErrorNotice error={add.error} />
    </form>
  );
}

function ChangeUserForm({ deviceId, user, onDone }: { deviceId: string; user: DeviceUser; onDone: (text: string) => void }) {
  const current: Level = user.userLevel === 'Operator' ? 'Operator' : 'Viewer';
  const [password, setPassword] = useState('');
  const [level, setLevel] = useState<Level>(current);
  const rules = devicePasswordRules(password, user.userName);
  const passwordOk = password === '' || rules.every((r) => r.ok);
  const levelChanged = level !== user.userLevel;
  const valid = passwordOk && (password !== '' || levelChanged);
  const save = useAction(async () => {
    await devicesApi.changeDeviceUser(deviceId, user.id, { ...(password ? { password } : {}), ...(levelChanged ? { userLevel: level } : {}) });
    onDone(`${user.userName} was changed on the device.`);
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) save.run();
      }}
      noValidate
      data-testid="config-user-change-form"
    >
      <PasswordField label={`New password for ${user.userName} (leave empty to keep it)`} data-testid="config-user-new-password" value={password} onValue={setPassword} maxLength={16} {...(password ? { rules, strength: passwordStrength(password, user.userName) } : {})} />
      <LevelSelect id={`config-user-level-${user.id}`} value={level} onChange={setLevel} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="config-user-change-save" disabled={save.busy || !valid}>
          {save.busy ? 'Saving…' : 'Save'}
        </button>
      </div>
      <ErrorNotice error={save.error} />
    </form>
  );
}
