import { Field, type FieldProps } from './components';
import type { Rule, Strength } from './password';

export function RuleList({ rules, id }: { rules: Rule[]; id?: string }) {
  return (
    <ul className="rules" id={id} aria-live="polite">
      {rules.map((r) => (
        <li key={r.id} className={r.ok ? 'rule-ok' : 'rule-todo'}>
          <span aria-hidden="true">{r.ok ? '✓' : '•'}</span> {r.label}
          <span className="sr-only">{r.ok ? ' (met)' : ' (not met yet)'}</span>
        </li>
      ))}
    </ul>
  );
}

const LEVEL: Record<Strength, number> = { empty: 0, risky: 1, weak: 2, medium: 3, strong: 4 };

/** The meter, with the reason a password is weak when there is one (e.g. "This is a commonly used password."). */
export function StrengthMeter({ strength, reason }: { strength: Strength; reason?: string | null | undefined }) {
  return (
    <div className="strength">
      <meter min={0} max={4} low={2} high={3} optimum={4} value={LEVEL[strength]} aria-label="Password strength" />
      <span className={`strength-label strength-${strength}`}>{strength === 'empty' ? 'Enter a password' : `Strength: ${strength}`}</span>
      {reason && <span className="strength-reason" aria-live="polite">{reason}</span>}
    </div>
  );
}

/**
 * A password field: a new password by default (autocomplete), with the rules it must meet (and
 * its strength) as the hint when given.
 */
export function PasswordField({
  onValue,
  rules,
  strength,
  reason,
  autoComplete = 'new-password',
  ...field
}: Omit<FieldProps, 'type' | 'value' | 'onChange' | 'hint'> & { value: string; onValue: (value: string) => void; rules?: Rule[]; strength?: Strength; reason?: string | null }) {
  const hint = rules && (
    <>
      {strength && <StrengthMeter strength={strength} reason={reason} />}
      <RuleList rules={rules} />
    </>
  );
  return <Field type="password" autoComplete={autoComplete} {...field} onChange={(e) => onValue(e.target.value)} hint={hint} />;
}
