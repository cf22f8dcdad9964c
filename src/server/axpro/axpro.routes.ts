import type { App } from '../http/types';
import { errorResponses, IdParams } from '../http/common.schema';
import { requireActor } from '../http/access';
import type { AxproAccountsService } from './axpro-accounts.service';
import { PanelAccountsSchema, type PanelAccounts } from './axpro.schema';

export function axproRoutes(app: App, deps: { axpro: AxproAccountsService }): void {
  app.get('/api/devices/:id/panel-accounts', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['devices'],
      summary: "An AX Pro's user accounts that Sitekeeper keeps in step with the site",
      description: 'One entry per Sitekeeper user who has (or must get) a panel user, with its state and the last error the panel reported. Panel users Sitekeeper did not create are not listed (and never changed). Whoever may see the site\'s devices: the installer company while it manages the site (or is authorized), and the site\'s owner.',
      params: IdParams,
      response: { 200: PanelAccountsSchema, ...errorResponses },
    },
  }, async (req): Promise<PanelAccounts> => {
    const { identityProven, items: rows } = await deps.axpro.list(requireActor(req), req.params.id);
    return {
      adminPasswordNeeded: rows.some((r) => r.state === 'admin_password_needed'),
      identityProven,
      items: rows.map((r) => ({
        userId: r.userId, name: r.userName, email: r.userEmail, panelUserName: r.panelUserName, panelUserId: r.panelUserId, level: r.level, state: r.state,
        passwordPending: r.passwordPending, error: r.lastErrorCode ? { code: r.lastErrorCode, message: r.lastErrorMessage ?? '' } : null, updatedAt: r.updatedAt.toISOString(),
      })),
    };
  });
}
