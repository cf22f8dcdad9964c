import { Link } from '../../app/router';
import { PlusIcon } from '../../ui/icons';
import { ErrorNotice, PageHeader } from '../../ui/components';
import { SitePicker, useChosenSite } from '../../ui/SitePicker';

/** Mobile home: pick the site you stand in, then add a device. */
export function HomePage() {
  const { siteId, site: chosen, error, choose } = useChosenSite();
  return (
    <div className="mobile-home">
      <PageHeader title="Add devices" />
      <SitePicker siteId={siteId} onChoose={choose} />
      <ErrorNotice error={error} />
      <div className="sticky-actions">
        {chosen ? (
          <>
            <Link to={`/m/scan?site=${encodeURIComponent(chosen.id)}`} className="btn btn-primary btn-big">
              <PlusIcon />
              Add device to {chosen.name}
            </Link>
            <Link to={`/m/devices?site=${encodeURIComponent(chosen.id)}`} className="btn btn-secondary btn-big">
              Devices on this site
            </Link>
          </>
        ) : (
          <p className="muted">Choose a site to add devices to.</p>
        )}
      </div>
    </div>
  );
}
