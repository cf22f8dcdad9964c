/** Who a rule tells: installer admins and/or the installers who manage the site (exception and linkage rules). */
export function RecipientChecks({ installerAdmins, siteInstallers, onInstallerAdmins, onSiteInstallers }: {
  installerAdmins: boolean;
  siteInstallers: boolean;
  onInstallerAdmins: (on: boolean) => void;
  onSiteInstallers: (on: boolean) => void;
}) {
  return (
    <>
      <label className="checkbox">
        <input type="checkbox" checked={installerAdmins} onChange={(e) => onInstallerAdmins(e.target.checked)} />
        Installer admins
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={siteInstallers} onChange={(e) => onSiteInstallers(e.target.checked)} />
        Installers who manage the site
      </label>
    </>
  );
}
