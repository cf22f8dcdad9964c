import { useState, type FormEvent } from 'react';
import { linkageRulesApi } from '../../api/endpoints';
import type { GetApiSitesIdLinkageRulesResponse, GetApiSitesIdLinkageRulesTemplatesResponse, GetApiWebhooksResponse, PostApiSitesIdLinkageRulesBody } from '../../api/generated';
import { useAction } from '../../ui/async';
import { ErrorNotice } from '../../ui/components';
import { RecipientChecks } from '../../ui/RecipientChecks';
import { ScheduleFields, useSchedule } from '../../ui/ScheduleFields';

export type Rule = GetApiSitesIdLinkageRulesResponse['items'][number];
export type Template = GetApiSitesIdLinkageRulesTemplatesResponse['items'][number];
type Body = PostApiSitesIdLinkageRulesBody;
type Action = Body['actions'][number];
type DeviceAction = Extract<Action, { kind: 'device' }>;
type Webhook = GetApiWebhooksResponse['items'][number];
type SiteDevice = { id: string; name: string; type: string };
type Schedule = NonNullable<NonNullable<Body['conditions']>['schedule']>;

export const EVENT_LABEL: Record<string, string> = {
  offline: 'Offline', back_online: 'Back online', hdd_error: 'Disk error', hdd_full: 'Disk full', video_loss: 'Video loss', recording_stopped: 'Recording stopped',
  tamper: 'Tamper', zone_alarm: 'Zone alarm', zone_fault: 'Zone fault', low_battery: 'Low battery', mains_lost: 'Mains lost',
};
export const OPERATION_LABEL: Record<string, string> = { start_recording: 'start recording', stop_recording: 'stop recording', trigger_output: 'trigger alarm output', clear_output: 'clear alarm output' };
const TARGET_LABEL: Record<string, string> = { start_recording: 'Start recording on', stop_recording: 'Stop recording on', trigger_output: 'Trigger the alarm output of', clear_output: 'Clear the alarm output of' };
const OPERATIONS = Object.keys(OPERATION_LABEL) as Array<DeviceAction['operation']>;
/** Devices a device action can act on (cameras and recorders: recording, alarm outputs). */
const TARGET_TYPES = ['camera', 'nvr', 'dvr'];
const ZONE_EVENTS = ['zone_alarm', 'zone_fault'];
const CHANNEL_EVENTS = ['video_loss', 'recording_stopped'];
const CUSTOM = 'custom';

const numberOrNull = (s: string): number | null => (s.trim() === '' ? null : Number(s));

/**
 * Creates a rule (from a template, or a custom one: any event, any of the actions) or edits one:
 * event and source (with its zone or channel), a schedule, notify / webhook / device actions, and
 * whether it is enabled. The server checks the definition and answers what does not hold together.
 */
export function RuleEditor({ siteId, templates, devices, webhooks, editing, onSaved, onCancel }: {
  siteId: string;
  templates: Template[];
  devices: SiteDevice[];
  webhooks: Webhook[];
  /** The rule being edited; none: a new rule. */
  editing: Rule | null;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const start = editing;
  const startDevice = start?.actions.find((a): a is DeviceAction => a.kind === 'device');
  const startNotify = start?.actions.find((a) => a.kind === 'notify');
  const startWebhook = start?.actions.find((a) => a.kind === 'webhook');
  const startSchedule = start?.conditions?.schedule ?? null;

  const [templateId, setTemplateId] = useState<string>(start ? (start.template ?? CUSTOM) : (templates[0]?.id ?? CUSTOM));
  const template = templateId === CUSTOM ? undefined : templates.find((t) => t.id === templateId) ?? (start ? undefined : templates[0]);
  const [name, setName] = useState(start?.name ?? '');
  const [customEvent, setCustomEvent] = useState<string>(start?.eventType ?? 'offline');
  const eventType = template ? template.eventType : customEvent;
  const [sourceId, setSourceId] = useState(start?.sourceDeviceId ?? '');
  const [zone, setZone] = useState(start?.sourceZone != null ? String(start.sourceZone) : '');
  const [channel, setChannel] = useState(start?.sourceChannel != null ? String(start.sourceChannel) : '');
  const [notify, setNotify] = useState(start ? startNotify !== undefined : true);
  const [installerAdmins, setInstallerAdmins] = useState(startNotify?.kind === 'notify' ? startNotify.recipients.installerAdmins : true);
  const [siteInstallers, setSiteInstallers] = useState(startNotify?.kind === 'notify' ? startNotify.recipients.siteInstallers : true);
  const [webhookIds, setWebhookIds] = useState<string[]>(startWebhook?.kind === 'webhook' ? startWebhook.endpointIds : []);
  const templateDevice = template?.actions.find((a) => a.kind === 'device');
  const [withDevice, setWithDevice] = useState(start ? startDevice !== undefined : templateDevice !== undefined);
  const [operation, setOperation] = useState<DeviceAction['operation']>(startDevice?.operation ?? (templateDevice?.operation as DeviceAction['operation'] | undefined) ?? 'start_recording');
  const [targetId, setTargetId] = useState(startDevice?.deviceId ?? '');
  const [number, setNumber] = useState(String(startDevice?.channel ?? startDevice?.output ?? 1));
  const schedule = useSchedule(startSchedule ? { days: [...startSchedule.days], from: startSchedule.from, to: startSchedule.to } : null);
  const [enabled, setEnabled] = useState(start?.enabled ?? true);

  const chooseTemplate = (id: string) => {
    setTemplateId(id);
    const t = templates.find((x) => x.id === id);
    const op = t?.actions.find((a) => a.kind === 'device')?.operation as DeviceAction['operation'] | undefined;
    setWithDevice(op !== undefined);
    if (op) setOperation(op);
    if (t) setCustomEvent(t.eventType);
    setSourceId('');
    setTargetId('');
  };

  const sources = devices.filter((d) => !template || template.sourceTypes.includes(d.type));
  const sourceType = devices.find((d) => d.id === sourceId)?.type;
  const targets = devices.filter((d) => TARGET_TYPES.includes(d.type) && d.id !== sourceId);
  const recording = operation.endsWith('recording');
  const zoneField = ZONE_EVENTS.includes(eventType) || sourceType === 'axpro';
  const channelField = !zoneField && CHANNEL_EVENTS.includes(eventType);
  const hasAction = notify || webhookIds.length > 0 || withDevice;

  const save = useAction(async () => {
    const actions: Action[] = [];
    if (notify) actions.push({ kind: 'notify', recipients: { installerAdmins, siteInstallers } });
    if (webhookIds.length > 0) actions.push({ kind: 'webhook', endpointIds: webhookIds as Extract<Action, { kind: 'webhook' }>['endpointIds'] });
    if (withDevice) actions.push({ kind: 'device', deviceId: targetId, operation, ...(recording ? { channel: Number(number) } : { output: Number(number) }) });
    const body: Body = {
      name: name.trim() || template?.name || `${EVENT_LABEL[eventType] ?? eventType} rule`,
      template: template?.id ?? null,
      eventType: eventType as Body['eventType'],
      sourceDeviceId: sourceId,
      sourceZone: zoneField ? numberOrNull(zone) : null,
      sourceChannel: channelField ? numberOrNull(channel) : null,
      conditions: { schedule: schedule.schedule ? { ...schedule.schedule, days: schedule.schedule.days as Schedule['days'] } : null },
      actions: [actions[0]!, ...actions.slice(1)] as Body['actions'],
      enabled,
    };
    if (editing) await linkageRulesApi.update(siteId, editing.id, body);
    else await linkageRulesApi.create(siteId, body);
    if (!editing) setName('');
    onSaved();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.run();
  };
  const toggleWebhook = (id: string, on: boolean) => setWebhookIds((xs) => (on ? [...new Set([...xs, id])] : xs.filter((x) => x !== id)));

  return (
    <form className="card" onSubmit={submit} aria-labelledby="linkage-editor-title">
      <h2 id="linkage-editor-title">{editing ? `Edit rule: ${editing.name}` : 'New rule'}</h2>
      <div className="field">
        <label htmlFor="linkage-template">Template</label>
        <select id="linkage-template" value={template?.id ?? CUSTOM} onChange={(e) => chooseTemplate(e.target.value)}>
          {templates.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
          <option value={CUSTOM}>Custom rule (no template)</option>
        </select>
        {template && <p className="muted">{template.description}</p>}
      </div>
      <div className="field">
        <label htmlFor="linkage-name">Name</label>
        <input id="linkage-name" maxLength={100} placeholder={template?.name} value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      {!template && (
        <div className="field">
          <label htmlFor="linkage-event">When this happens</label>
          <select id="linkage-event" value={customEvent} onChange={(e) => setCustomEvent(e.target.value)}>
            {Object.entries(EVENT_LABEL).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
      )}
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
      {zoneField && (
        <div className="field">
          <label htmlFor="linkage-zone">Zone (empty: any zone)</label>
          <input id="linkage-zone" type="number" min={0} value={zone} onChange={(e) => setZone(e.target.value)} />
        </div>
      )}
      {channelField && (
        <div className="field">
          <label htmlFor="linkage-channel">Channel (empty: any channel)</label>
          <input id="linkage-channel" type="number" min={1} value={channel} onChange={(e) => setChannel(e.target.value)} />
        </div>
      )}
      <fieldset className="field">
        <legend>Notify</legend>
        <label className="checkbox">
          <input type="checkbox" checked={notify} onChange={(e) => setNotify(e.target.checked)} />
          Send a notification
        </label>
        {notify && (
          <RecipientChecks installerAdmins={installerAdmins} siteInstallers={siteInstallers} onInstallerAdmins={setInstallerAdmins} onSiteInstallers={setSiteInstallers} />
        )}
      </fieldset>
      {webhooks.length > 0 && (
        <fieldset className="field">
          <legend>Webhooks</legend>
          {webhooks.map((w) => (
            <label key={w.id} className="checkbox">
              <input type="checkbox" checked={webhookIds.includes(w.id)} onChange={(e) => toggleWebhook(w.id, e.target.checked)} />
              {w.name}
            </label>
          ))}
        </fieldset>
      )}
      <fieldset className="field">
        <legend>Act on another device</legend>
        <label className="checkbox">
          <input type="checkbox" checked={withDevice} onChange={(e) => setWithDevice(e.target.checked)} />
          Act on a camera or recorder of the site
        </label>
        {withDevice && (
          <>
            <label htmlFor="linkage-operation">Action</label>
            <select id="linkage-operation" value={operation} onChange={(e) => setOperation(e.target.value as DeviceAction['operation'])}>
              {OPERATIONS.map((op) => (
                <option key={op} value={op}>
                  {OPERATION_LABEL[op]}
                </option>
              ))}
            </select>
            <label htmlFor="linkage-target">{TARGET_LABEL[operation]}</label>
            <select id="linkage-target" required value={targetId} onChange={(e) => setTargetId(e.target.value)}>
              <option value="">Choose a camera or recorder…</option>
              {targets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
            <label htmlFor="linkage-number">{recording ? 'Channel' : 'Alarm output'}</label>
            <input id="linkage-number" type="number" min={1} required value={number} onChange={(e) => setNumber(e.target.value)} />
          </>
        )}
      </fieldset>
      <ScheduleFields idPrefix="linkage" state={schedule} />
      <label className="checkbox">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        Enabled
      </label>
      {!hasAction && <p className="muted">A rule needs at least one action.</p>}
      <ErrorNotice error={save.error} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={save.busy || !sourceId || !hasAction || (withDevice && !targetId) || !schedule.valid}>
          {editing ? 'Save changes' : 'Create rule'}
        </button>
        {editing && (
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
