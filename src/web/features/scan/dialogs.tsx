/** The dialogs of the scan flow: activation, device password, verification code. */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { Candidate } from '../../api/types';
import { Dialog, Field } from '../../ui/components';
import { deviceDetails } from '../../ui/format';
import { candidateLabel } from './store';
import { devicePasswordRules, passwordStrength, verificationCodeRules } from '../../ui/password';
import { PasswordField, RuleList } from '../../ui/rules';

/**
 * Leaving the devices a dialog asks about out of the batch, when the batch has others: what it
 * does is said next to the button ("the other 2 devices are added without it").
 */
export interface SkipOption {
  /** How many devices the dialog is about (they are skipped together). */
  count: number;
  /** How many devices of the batch go on without them. */
  others: number;
  onSkip: () => void;
}

function skipWords({ count, others }: SkipOption): { label: string; says: string } {
  const them = count > 1 ? 'them' : 'it';
  const rest = others > 1 ? `the other ${others} devices are added` : 'the other device is added';
  return {
    label: count > 1 ? `Skip these ${count} devices` : 'Skip this device',
    says: `${count > 1 ? `Skip these ${count} devices` : 'Skip this device'}: ${rest} without ${them}; add ${them} later from the progress page. Cancel: nothing is added.`,
  };
}

/** A dialog around one form: its fields, Cancel and one submit button (disabled until it can submit). */
function FormDialog({ open, title, onCancel, onSubmit, submitLabel, canSubmit, skip, children }: { open: boolean; title: string; onCancel: () => void; onSubmit: () => void; submitLabel: string; canSubmit: boolean; skip?: SkipOption | undefined; children: ReactNode }) {
  const words = skip ? skipWords(skip) : null;
  return (
    <Dialog open={open} title={title} onClose={onCancel}>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          onSubmit();
        }}
        noValidate
      >
        {children}
        {skip && words && (
          <div className="dialog-skip">
            <p className="muted">{words.says}</p>
            <button type="button" className="btn btn-secondary" onClick={skip.onSkip}>
              {words.label}
            </button>
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!canSubmit}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

interface DialogProps<T> {
  open: boolean;
  onCancel: () => void;
  onSubmit: (value: T) => void;
  /** The devices the value applies to: named in the dialog, so it is clear which one it asks about. */
  devices: Candidate[];
  /** Offered when other devices of the batch could go on without these. */
  skip?: SkipOption | undefined;
}

/** Which devices a dialog is about: name, then model, serial and address. */
export function DeviceNames({ devices }: { devices: Candidate[] }) {
  if (devices.length === 0) return null;
  return (
    <ul className="dialog-devices" aria-label={devices.length > 1 ? 'These devices' : 'This device'}>
      {devices.map((c) => (
        <li key={c.id}>
          <span className="candidate-name">{candidateLabel(c)}</span>
          <span className="candidate-meta">{deviceDetails(c).join(' · ')}</span>
        </li>
      ))}
    </ul>
  );
}

export function ActivationDialog({ open, onCancel, onSubmit, devices, skip }: DialogProps<string>) {
  const count = devices.length;
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [touched, setTouched] = useState(false);
  const rules = devicePasswordRules(password);
  const strength = passwordStrength(password);
  const rulesOk = rules.every((r) => r.ok);
  const match = password === confirm;
  const submit = () => {
    setTouched(true);
    if (rulesOk && match) onSubmit(password);
  };
  return (
    <FormDialog open={open} title="Activate the device" onCancel={onCancel} onSubmit={submit} submitLabel="Activate" canSubmit={rulesOk && match} skip={skip}>
      <DeviceNames devices={devices} />
      <p>
        {count > 1 ? `These ${count} devices are` : 'This device is'} factory new. Choose the admin password{' '}
        {count > 1 ? 'they' : 'it'} will use. Keep it: you need it to reach the device without Sitekeeper.
      </p>
      <PasswordField label="New admin password" value={password} onValue={setPassword} rules={rules} strength={strength} />
      <PasswordField
        label="Confirm password"
        value={confirm}
        onValue={setConfirm}
        error={touched && !match ? 'The two passwords differ.' : confirm.length > 0 && !match ? 'Not the same yet.' : undefined}
      />
    </FormDialog>
  );
}

export function PasswordDialog({ open, onCancel, onSubmit, devices, skip, forCloud = false }: DialogProps<string> & { forCloud?: boolean }) {
  const [password, setPassword] = useState('');
  const count = devices.length;
  return (
    <FormDialog open={open} title="Device admin password" onCancel={onCancel} onSubmit={() => password && onSubmit(password)} submitLabel="Continue" canSubmit={password !== ''} skip={skip}>
      <DeviceNames devices={devices} />
      <p>
        Enter the current admin password of {count > 1 ? `these ${count} devices` : 'this device'}.
        {forCloud ? ' Sitekeeper signs in with it to switch the cloud service on.' : ''}
      </p>
      <PasswordField label="Admin password" autoComplete="current-password" value={password} onValue={setPassword} />
    </FormDialog>
  );
}

export function CloudDialog({ open, onCancel, onSubmit, devices, skip, enable }: DialogProps<string> & { enable: boolean }) {
  const [code, setCode] = useState('');
  const count = devices.length;
  const rules = verificationCodeRules(code);
  const ok = rules.every((r) => r.ok);
  return (
    <FormDialog open={open} title={enable ? 'Enable the cloud service' : 'Verification code'} onCancel={onCancel} onSubmit={() => ok && onSubmit(code)} submitLabel={enable ? 'Enable' : 'Continue'} canSubmit={ok} skip={skip}>
      <DeviceNames devices={devices} />
      <p>
        {enable
          ? `The cloud service of ${count > 1 ? `these ${count} devices is` : 'this device is'} off. Sitekeeper will switch it on with this verification code, which lets the device connect to the platform.`
          : 'Enter the verification code printed on the device label (6 capital letters on most labels).'}
      </p>
      <Field
        label="Verification code"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        value={code}
        onChange={(e) => setCode(e.target.value.trim())}
        hint={<RuleList rules={rules} />}
      />
    </FormDialog>
  );
}

export function QrPasswordDialog({ open, onCancel, onSubmit, wrong }: { open: boolean; onCancel: () => void; onSubmit: (password: string) => void; wrong: boolean }) {
  const [password, setPassword] = useState('');
  return (
    <FormDialog open={open} title="This code is locked" onCancel={onCancel} onSubmit={() => password && onSubmit(password)} submitLabel="Unlock" canSubmit={password !== ''}>
      <p>The device list in this QR code is protected by a password. It was chosen when the code was exported (from the recorder or the vendor app).</p>
      <PasswordField
        label="QR code password"
        autoComplete="off"
        value={password}
        onValue={setPassword}
        error={wrong ? 'That password does not unlock this code. Try again.' : undefined}
      />
    </FormDialog>
  );
}
