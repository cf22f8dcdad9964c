import { useState } from 'react';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export interface ScheduleValue {
  /** 0 = Sunday … 6 = Saturday, sorted. */
  days: number[];
  from: string;
  to: string;
}

/** Business hours: where a new schedule starts. */
export const BUSINESS_HOURS: ScheduleValue = { days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' };

/** A schedule's state: `schedule` is null while "only at certain times" is off. */
export function useSchedule(initial: ScheduleValue | null) {
  const [on, setOn] = useState(initial !== null);
  const [value, setValue] = useState<ScheduleValue>(initial ?? BUSINESS_HOURS);
  return { on, setOn, value, setValue, schedule: on ? value : null, valid: !on || value.days.length > 0 };
}

/** "Only at certain times": days of the week and a time window (exception and linkage rules). */
export function ScheduleFields({ idPrefix, state, note }: { idPrefix: string; state: ReturnType<typeof useSchedule>; note?: string }) {
  const { on, setOn, value, setValue } = state;
  const toggleDay = (d: number, checked: boolean) =>
    setValue((v) => ({ ...v, days: (checked ? [...new Set([...v.days, d])] : v.days.filter((x) => x !== d)).sort((a, b) => a - b) }));
  return (
    <fieldset className="field">
      <legend>Schedule</legend>
      <label className="checkbox">
        <input type="checkbox" checked={on} onChange={(e) => setOn(e.target.checked)} />
        Only at certain times (otherwise always)
      </label>
      {note && <p className="muted">{note}</p>}
      {on && (
        <>
          <div role="group" aria-label="Days">
            {DAYS.map((d, i) => (
              <label key={d} className="checkbox">
                <input type="checkbox" checked={value.days.includes(i)} onChange={(e) => toggleDay(i, e.target.checked)} />
                {d}
              </label>
            ))}
          </div>
          <label htmlFor={`${idPrefix}-from`}>From</label>
          <input id={`${idPrefix}-from`} type="time" required value={value.from} onChange={(e) => setValue((v) => ({ ...v, from: e.target.value }))} />
          <label htmlFor={`${idPrefix}-to`}>To</label>
          <input id={`${idPrefix}-to`} type="time" required value={value.to} onChange={(e) => setValue((v) => ({ ...v, to: e.target.value }))} />
        </>
      )}
    </fieldset>
  );
}
