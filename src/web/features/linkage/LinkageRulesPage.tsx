import { useEffect, useState, type FormEvent } from 'react';
import { devicesApi, linkageRulesApi, sitesApi } from '../../api/endpoints';
import type { GetApiSitesIdLinkageRulesResponse, GetApiSitesIdLinkageRulesTemplatesResponse, PostApiSitesIdLinkageRulesBody } from '../../api/generated';
import { useAction, useAsync } from '../../ui/async';
import { Empty, ErrorNotice, formatDate, PageHeader, StatusBadge } from '../../ui/components';
import { DataTable, type TableColumn } from '../../ui/DataTable';

type Rule = GetApiSitesIdLinkageRulesResponse['items'][number];
type Template = GetApiSitesIdLinkageRulesTemplatesResponse['items'][number];
type Action = PostApiSitesIdLinkageRulesBody['actions'][number];

const EVENT_LABEL: Record<string, string> = {
  offline: 'Offline', back_online: 'Back online', hdd_error: 'Disk error', hdd_full: 'Disk full', video_loss: 'Video loss', recording_stopped: 'Recording stopped',
  tamper: 'Tamper', zone_alarm: 'Zone alarm', zone_fault: 'Zone fault', low_battery: 'Low battery', mains_lost: 'Mains lost',
};
const OPERATION_LABEL: Record<string, string> = { start_recording: 'start recording', stop_recording: 'stop recording', trigger_output: 'trigger alarm output', clear_output: 'clear alarm output' };
const TARGET_TYPES = ['camera', 'nvr'];

/** Linkage rules of a site: validity badges with the reasons, create from a template, each rule's firing log. */
export function LinkageRulesPage() {
  const sites = useAsync((signal) => sitesApi.list({ pageSize: 100 }, signal), []);
  // A linkage notification links here with its site (`?siteId=`).
  const [siteId, setSiteId] = useState(() => new URLSearchParams(window.location.search).get('siteId') ?? '');
  useEffect(() => {
    const first = sites.data?.items[0]?.id;
    if (!siteId && first) setSiteId(first);
  }, [sites.data, siteId]);
  const rules = useAsync((signal) => (siteId ? linkageRulesApi.list(siteId, signal) : Promise.resolve({ items: [] })), [siteId]);
  const templates = useAsync((signal) => (siteId ? linkageRulesApi.templates(siteId, signal) : Promise.resolve({ items: [] })), [siteId]);
  const devices = useAsync((signal) => (siteId ? devicesApi.listForSite(siteId, { pageSize: 100 }, signal) : Promise.resolve({ items: [], total: 0, page: 1, pageSize: 100 })), [siteId]);
  const deviceName = (id: string) => devices.data?.items.find((d) => d.id === id)?.name ?? 'A deleted device';
  const [logRule, setLogRule] = useState<Rule | null>(null);
  const remove = useAction(async (id: string) => {
    await linkageRulesApi.remove(siteId, id);
    if (logRule?.id === id) setLogRule(null);
    rules.reload();
  });

  const actionText = (a: Rule['actions'][number]) => {
    if (a.kind === 'notify') return `Notify ${[a.recipients.installerAdmins && 'installer admins', a.recipients.siteInstallers && "the site's installers"].filter(Boolean).join(' and ')}`;
    if (a.kind === 'webhook') return `Webhook (${a.endpointIds.length})`;
    const where = a.operation.endsWith('recording') ? `channel ${a.channel ?? 1}` : `output ${a.output ?? 1}`;
    return `${deviceName(a.deviceId)}: ${OPERATION_LABEL[a.operation] ?? a.operation} (${where})`;
  };
  const columns: TableColumn<Rule>[] = [
    { key: 'name', header: 'Name', cell: (r) => r.name },
    { key: 'when', header: 'When', cell: (r) => `${EVENT_LABEL[r.eventType] ?? r.eventType} on ${deviceName(r.sourceDeviceId)}${r.sourceZone !== null ? `, zone ${r.sourceZone}` : ''}${r.sourceChannel !== null ? `, channel ${r.sourceChannel}` : ''}` },
    { key: 'then', header: 'Then', cell: (r) => r.actions.map(actionText).join('; ') },
    {
      key: 'validity',
      header: 'Validity',
      cell: (r) => (
        <div>
          <StatusBadge status={r.validity.valid ? 'valid' : 'invalid'} />
          {!r.enabled && <span className="muted"> (disabled)</span>}
          {r.validity.reasons.map((x) => (
            <div key={`${x.role}/${x.deviceId}/${x.code}`} className="muted">
              {x.message}
            </div>
          ))}
        </div>
      ),
    },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      cell: (r) => (
        <span>
          <button type="button" className="btn btn-ghost" onClick={() => setLogRule(r)} aria-label={`Firing log: ${r.name}`}>
            Firing log
          </button>
          <button type="button" className="btn btn-ghost" disabled={remove.busy} onClick={() => remove.run(r.id)} aria-label={`Delete: ${r.name}`}>
            Delete
          </button>
        </span>
      ),
    },
  ];

  return (
    <div>
      <PageHeader title="Linkage rules" />
      <p className="muted">
        A rule acts when something happens on a device of the site. It is valid only while its devices exist, are on the site, have health monitoring on and run compatible firmware; an invalid rule is kept and
        never fires.
      </p>
      <div className="field">
        <label htmlFor="linkage-site">Site</label>
        <select id="linkage-site" value={siteId} onChange={(e) => { setSiteId(e.target.value); setLogRule(null); }}>
          {sites.data?.items.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <DataTable
        label="Linkage rules"
        list={rules}
        columns={columns}
        empty={
          <Empty title="No linkage rules on this site">
            <p>Create one from a template below.</p>
          </Empty>
        }
      />
      <ErrorNotice error={remove.error} />
      {logRule && <FiringLog siteId={siteId} rule={logRule} deviceName={deviceName} onClose={() => setLogRule(null)} />}
      {siteId && <NewRuleForm siteId={siteId} templates={templates.data?.items ?? []} devices={devices.data?.items ?? []} onCreated={() => rules.reload()} />}
    </div>
  );
}

function FiringLog({ siteId, rule, deviceName, onClose }: { siteId: string; rule: Rule; deviceName: (id: string) => string; onClose: () => void }) {
  const firings = useAsync((signal) => linkageRulesApi.firings(siteId, rule.id, signal), [siteId, rule.id]);
  type Firing = NonNullable<typeof firings.data>['items'][number];
  const columns: TableColumn<Firing>[] = [
    { key: 'at', header: 'Fired', cell: (f) => formatDate(f.firedAt) },
    { key: 'event', header: 'Event', cell: (f) => `${EVENT_LABEL[f.eventType] ?? f.eventType}${f.subject ? ` (${f.subject.replace(':', ' ')})` : ''}` },
    {
      key: 'results',
      header: 'Actions',
      cell: (f) => (
        <ul className="plain">
          {f.actions.map((a, i) => (
            <li key={i}>
              {a.kind === 'device' ? `${deviceName(a.deviceId ?? '')}: ${OPERATION_LABEL[a.operation ?? ''] ?? a.operation}` : a.kind} — <StatusBadge status={a.status} />
              {a.detail ? <span className="muted"> {a.detail}</span> : null}
            </li>
          ))}
        </ul>
      ),
    },
  ];
  return (
    <section className="card" aria-labelledby="firing-log-title">
      <h2 id="firing-log-title">Firing log: {rule.name}</h2>
      <DataTable label="Firing log" list={firings} columns={columns} empty={<Empty title="It has not fired yet" />} />
      <button type="button" className="btn btn-ghost" onClick={onClose}>
        Close
      </button>
    </section>
  );
}

function NewRuleForm({ siteId, templates, devices, onCreated }: { siteId: string; templates: Template[]; devices: Array<{ id: string; name: string; type: string }>; onCreated: () => void }) {
  const [templateId, setTemplateId] = useState('');
  const template = templates.find((t) => t.id === templateId) ?? templates[0];
  const [name, setName] = useState('');
  const [sourceId, setSourceId] = useState('');
  const [zone, setZone] = useState('');
  const [targetId, setTargetId] = useState('');
  const [number, setNumber] = useState('1');
  const [installerAdmins, setInstallerAdmins] = useState(true);
  const [siteInstallers, setSiteInstallers] = useState(true);
  const sources = devices.filter((d) => !template || template.sourceTypes.includes(d.type));
  const deviceAction = template?.actions.find((a) => a.kind === 'device');
  const targets = devices.filter((d) => TARGET_TYPES.includes(d.type) && d.id !== sourceId);
  const recording = deviceAction?.operation?.endsWith('recording') ?? false;
  const add = useAction(async () => {
    if (!template) return;
    const actions: Action[] = [{ kind: 'notify', recipients: { installerAdmins, siteInstallers } }];
    if (deviceAction?.operation) {
      const op = deviceAction.operation as Extract<Action, { kind: 'device' }>['operation'];
      actions.push({ kind: 'device', deviceId: targetId, operation: op, ...(recording ? { channel: Number(number) } : { output: Number(number) }) });
    }
    await linkageRulesApi.create(siteId, {
      name: name || template.name,
      template: template.id,
      eventType: template.eventType as PostApiSitesIdLinkageRulesBody['eventType'],
      sourceDeviceId: sourceId,
      sourceZone: template.eventType === 'zone_alarm' && zone !== '' ? Number(zone) : null,
      actions: [actions[0]!, ...actions.slice(1)] as PostApiSitesIdLinkageRulesBody['actions'],
      enabled: true,
    });
    setName('');
    onCreated();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.run();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="add-linkage-title">
      <h2 id="add-linkage-title">New rule from a template</h2>
      <div className="field">
        <label htmlFor="linkage-template">Template</label>
        <select id="linkage-template" value={template?.id ?? ''} onChange={(e) => { setTemplateId(e.target.value); setSourceId(''); setTargetId(''); }}>
          {templates.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        {template && <p className="muted">{template.description}</p>}
      </div>
      <div className="field">
        <label htmlFor="linkage-name">Name</label>
        <input id="linkage-name" maxLength={100} placeholder={template?.name} value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="linkage-source">When it happens on</label>
        <select id="linkage-source" required value={sourceId} onChange={(e) => setSourceId(e.target.value)}>
          <option value="">Choose a device…</option>
          {sources.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </div>
      {template?.eventType === 'zone_alarm' && (
        <div className="field">
          <label htmlFor="linkage-zone">Zone (empty: any zone)</label>
          <input id="linkage-zone" type="number" min={0} value={zone} onChange={(e) => setZone(e.target.value)} />
        </div>
      )}
      {deviceAction && (
        <>
          <div className="field">
            <label htmlFor="linkage-target">{recording ? 'Start recording on' : 'Trigger the alarm output of'}</label>
            <select id="linkage-target" required value={targetId} onChange={(e) => setTargetId(e.target.value)}>
              <option value="">Choose a camera or recorder…</option>
              {targets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="linkage-number">{recording ? 'Channel' : 'Alarm output'}</label>
            <input id="linkage-number" type="number" min={1} required value={number} onChange={(e) => setNumber(e.target.value)} />
          </div>
        </>
      )}
      <fieldset className="field">
        <legend>Notify</legend>
        <label className="checkbox">
          <input type="checkbox" checked={installerAdmins} onChange={(e) => setInstallerAdmins(e.target.checked)} />
          Installer admins
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={siteInstallers} onChange={(e) => setSiteInstallers(e.target.checked)} />
          Installers who manage the site
        </label>
      </fieldset>
      <ErrorNotice error={add.error} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={add.busy || !template || !sourceId || (!!deviceAction && !targetId)}>
          Create rule
        </button>
      </div>
    </form>
  );
}
