import { Link } from '../../app/router';
import { Empty, ErrorNotice, PageHeader } from '../../ui/components';
import { useAddFlow } from './add-flow';
import { CandidateCard } from './CandidateCard';
import { OfflineHelp } from './ProgressPage';
import { selectable, typedCodeFor, useScanFlow } from './store';

const ACTION_LABEL: Record<string, string> = {
  add: 'Add device',
  activate: 'Activate and add',
  enable_cloud: 'Enable cloud service and add',
  enter_verification_code: 'Enter verification code and add',
  enter_password: 'Enter admin password and add',
  connect_to_network: 'Add when it comes online',
};

/**
 * One device from a scanned label or a typed serial: show what we know and the one action it
 * needs. A verification code typed on the manual page counts as given.
 */
export function ConfirmPage() {
  const flow = useScanFlow();
  const add = useAddFlow(flow);
  const c = flow?.scan.candidates[0];
  const codeTyped = flow ? typedCodeFor(flow.scan.scanId) !== undefined : false;
  if (!flow || !c) {
    return (
      <Empty title="Nothing scanned yet">
        <Link to="/m/scan">Scan a label</Link>
      </Empty>
    );
  }
  return (
    <div>
      <PageHeader title="Add this device?" />
      <CandidateCard c={c} status={codeTyped && c.nextAction === 'enter_verification_code' ? 'Ready to add (verification code entered)' : undefined} />
      <ErrorNotice error={add.error} />
      {c.nextAction === 'connect_to_network' && <OfflineHelp lines={c.guidance} />}
      <div className="sticky-actions">
        {selectable(c) ? (
          <button type="button" className="btn btn-primary btn-big" disabled={add.busy} onClick={() => add.start([c.id])}>
            {add.busy ? 'Starting…' : (ACTION_LABEL[codeTyped && c.nextAction === 'enter_verification_code' ? 'add' : c.nextAction] ?? 'Add device')}
          </button>
        ) : (
          <Link to={`/m/devices?site=${encodeURIComponent(flow.siteId)}`} className="btn btn-primary btn-big">
            Show the site's devices
          </Link>
        )}
        <Link to={`/m/scan?site=${encodeURIComponent(flow.siteId)}`} className="btn btn-secondary btn-big">
          Scan another
        </Link>
      </div>
      {add.dialogs}
    </div>
  );
}
