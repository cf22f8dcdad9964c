import { useState, type FormEvent } from 'react';
import { emailApi, exceptionRulesApi, sitesApi } from '../../api/endpoints';
import { Link } from '../../app/router';
import type { GetApiExceptionRulesResponse, PostApiExceptionRulesBody } from '../../api/generated';
import { useAction, useAsync } from '../../ui/async';
import { Empty, ErrorNotice, PageHeader } from '../../ui/components';
import { DataTable, type TableColumn } from '../../ui/DataTable';
import { RecipientChecks } from '../../ui/RecipientChecks';
import { ScheduleFields, useSchedule } from '../../ui/ScheduleFields';

type Rule = GetApiExceptionRulesResponse['items'][number];
type ExceptionType = PostApiExceptionRulesBody['types'][number];

const TYPES: Array<[ExceptionType, string]> = [
  ['offline', 'Offline'],
  ['back_online', 'Back online'],
  ['hdd_error', 'Disk error'],
  ['hdd_full', 'Disk full'],
  ['hdd_unformatted', 'Disk not formatted'],
  ['hdd_smart_warning', 'S.M.A.R.T. warning'],
  ['video_loss', 'Video loss'],
  ['recording_stopped', 'Recording stopped'],
  ['tamper', 'Tamper'],
  ['zone_fault', 'Zone fault'],
  ['low_battery', 'Low battery'],
  ['mains_lost', 'Mains lost'],
  ['firmware_upgrade_failed', 'Firmware upgrade failed'],
];
const TYPE_LABEL = Object.fromEntries(TYPES) as Record<string, string>;
const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Exception rules: per site (or the company default), which exceptions go to whom, and when. */
export function ExceptionRulesPage() {
  const rules = useAsync((signal) => exceptionRulesApi.list(signal), []);
  const sites = useAsync((signal) => sitesApi.list({ pageSize: 100 }, signal), []);
  const email = useAsync((signal) => emailApi.status(signal), []);
  const siteName = (id: string | null) => (id === null ? 'Company default' : (sites.data?.items.find((s) => s.id === id)?.name ?? 'A site'));
  const [siteId, setSiteId] = useState('');
  const [name, setName] = useState('');
  const [types, setTypes] = useState<ExceptionType[]>([]);
  const [siteInstallers, setSiteInstallers] = useState(true);
  const [installerAdmins, setInstallerAdmins] = useState(true);
  const schedule = useSchedule(null);
  const add = useAction(async () => {
    const [first, ...rest] = types;
    if (!first) return; // the button is disabled until a type is chosen
    await exceptionRulesApi.create({ siteId: siteId || null, name, types: [first, ...rest], recipients: { siteInstallers, installerAdmins }, schedule: schedule.schedule ? { ...schedule.schedule, days: schedule.schedule.days as NonNullable<PostApiExceptionRulesBody['schedule']>['days'] } : null, enabled: true });
    setName('');
    setTypes([]);
    rules.reload();
  });
  const remove = useAction(async (id: string) => {
    await exceptionRulesApi.remove(id);
    rules.reload();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.run();
  };
  const columns: TableColumn<Rule>[] = [
    { key: 'name', header: 'Name', cell: (r) => r.name },
    { key: 'scope', header: 'Applies to', cell: (r) => siteName(r.siteId) },
    { key: 'types', header: 'Exceptions', cell: (r) => r.types.map((t) => TYPE_LABEL[t] ?? t).join(', ') },
    { key: 'to', header: 'Recipients', cell: (r) => [r.recipients.installerAdmins && 'Installer admins', r.recipients.siteInstallers && "Site's installers"].filter(Boolean).join(', ') || 'Nobody' },
    { key: 'when', header: 'When', cell: (r) => (r.schedule ? `${r.schedule.days.map((d) => DAY[d]).join(' ')} ${r.schedule.from}–${r.schedule.to}` : 'Always') },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      cell: (r) => (
        <button type="button" className="btn btn-ghost" disabled={remove.busy} onClick={() => remove.run(r.id)} aria-label={`Delete: ${r.name}`}>
          Delete
        </button>
      ),
    },
  ];
  return (
    <div>
      <PageHeader title="Exception rules" />
      <p className="muted">A site&apos;s rules replace the company default for that site; with no rule at all, every exception goes to the installer admins and the site&apos;s installers.</p>
      {email.data && (
        <p data-testid="email-channel">
          Channels: in-app notifications, <Link to="/webhooks">webhooks</Link>
          {email.data.configured ? <>, and <Link to="/email">e-mail</Link> to each recipient.</> : '. E-mail: not configured on this server (the operator sets SMTP_URL).'}
        </p>
      )}
      <DataTable
        label="Exception rules"
        list={rules}
        columns={columns}
        empty={
          <Empty title="No exception rules yet">
            <p>Every exception goes to the installer admins and the site&apos;s installers.</p>
          </Empty>
        }
      />
      <form className="card" onSubmit={submit} aria-labelledby="add-rule-title">
        <h2 id="add-rule-title">Add a rule</h2>
        <div className="field">
          <label htmlFor="rule-site">Applies to</label>
          <select id="rule-site" value={siteId} onChange={(e) => setSiteId(e.target.value)}>
            <option value="">Company default</option>
            {sites.data?.items.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="rule-name">Name</label>
          <input id="rule-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <fieldset className="field">
          <legend>Exceptions</legend>
          {TYPES.map(([t, label]) => (
            <label key={t} className="checkbox">
              <input type="checkbox" checked={types.includes(t)} onChange={(e) => setTypes((ts) => (e.target.checked ? [...ts, t] : ts.filter((x) => x !== t)))} />
              {label}
            </label>
          ))}
        </fieldset>
        <fieldset className="field">
          <legend>Recipients</legend>
          <RecipientChecks installerAdmins={installerAdmins} siteInstallers={siteInstallers} onInstallerAdmins={setInstallerAdmins} onSiteInstallers={setSiteInstallers} />
        </fieldset>
        <ScheduleFields idPrefix="exception-rule" state={schedule} note="In the site's time zone; it starts at business hours (Mon–Fri 08:00–18:00)." />
        <ErrorNotice error={add.error ?? remove.error} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={add.busy || types.length === 0 || !schedule.valid}>
            Add rule
          </button>
        </div>
      </form>
    </div>
  );
}
