import { describe, expect, it } from 'vitest';
import { SITE_OPERATIONS, SITE_RELATIONS, sitePolicy, type SiteCustody, type SiteOperation } from './site-policy';

// The whole site operation matrix (decision 0015), one row per operation, one column per relation:
//   installer_admin  manage_all  assigned  unassigned  owner  other_end_user  other_company
// ✓ allowed · N SITE_NOT_FOUND · F FORBIDDEN · H SITE_HANDED_OVER · A SITE_NOT_AUTHORIZED · P SITE_PERMISSION_MISSING
const CODES = { N: 'SITE_NOT_FOUND', F: 'FORBIDDEN', H: 'SITE_HANDED_OVER', A: 'SITE_NOT_AUTHORIZED', P: 'SITE_PERMISSION_MISSING' } as const;
type Row = string;

const BEFORE_HANDOVER: Record<SiteOperation, Row> = {
  view_site: '✓✓✓F✓NN',
  edit_site: '✓✓✓FFNN',
  delete_site: '✓✓FFFNN',
  add_device: '✓✓✓FFNN',
  delete_device: '✓✓✓FFNN',
  configure_device: '✓✓✓FFNN',
  view_devices: '✓✓✓F✓NN',
  invite_end_user: '✓✓✓FFNN',
  manage_authorization: 'FFFF✓NN',
  view_access: '✓✓✓F✓NN',
  manage_installers: '✓FFFFNN',
  live_view: '✓✓✓F✓NN',
  playback: '✓✓✓F✓NN',
};

const HANDED_OVER_NOT_AUTHORIZED: Record<SiteOperation, Row> = {
  view_site: '✓✓✓F✓NN',
  edit_site: 'AAAFFNN',
  delete_site: 'HHFFFNN',
  add_device: 'AAAFFNN',
  delete_device: 'AAAFFNN',
  configure_device: 'AAAFFNN',
  view_devices: 'AAAF✓NN',
  invite_end_user: 'HHHFFNN',
  manage_authorization: 'FFFF✓NN',
  view_access: '✓✓✓F✓NN',
  manage_installers: '✓FFFFNN',
  live_view: 'AAAF✓NN',
  playback: 'AAAF✓NN',
};

const AUTHORIZED_CONFIGURATION: Record<SiteOperation, Row> = {
  ...BEFORE_HANDOVER,
  delete_site: 'HHFFFNN',
  invite_end_user: 'HHHFFNN',
};

const AUTHORIZED_LIVE_VIEW_ONLY: Record<SiteOperation, Row> = {
  ...AUTHORIZED_CONFIGURATION,
  edit_site: 'PPPFFNN',
  add_device: 'PPPFFNN',
  delete_device: 'PPPFFNN',
  configure_device: 'PPPFFNN',
};

// Live view and playback: no route streams video yet; the rows are ready for when one does (decision 0015).
const AUTHORIZED_CONFIGURATION_ONLY: Record<SiteOperation, Row> = {
  ...AUTHORIZED_CONFIGURATION,
  live_view: 'PPPF✓NN',
  playback: 'PPPF✓NN',
};

const AUTHORIZED_LIVE_VIEW_NOT_PLAYBACK: Record<SiteOperation, Row> = {
  ...AUTHORIZED_LIVE_VIEW_ONLY,
  playback: 'PPPF✓NN',
};

const STATES: Array<[string, SiteCustody, Record<SiteOperation, Row>]> = [
  ['not handed over', { handoverState: 'not_handed_over', authorization: null }, BEFORE_HANDOVER],
  ['invitation sent', { handoverState: 'invitation_sent', authorization: null }, BEFORE_HANDOVER],
  ['handed over (not authorized, revoked or expired)', { handoverState: 'handed_over', authorization: null }, HANDED_OVER_NOT_AUTHORIZED],
  ['authorized with configuration', { handoverState: 'handed_over', authorization: { permissions: ['configuration', 'live_view', 'playback'] } }, AUTHORIZED_CONFIGURATION],
  ['authorized for live view and playback only', { handoverState: 'handed_over', authorization: { permissions: ['live_view', 'playback'] } }, AUTHORIZED_LIVE_VIEW_ONLY],
  ['authorized for configuration only', { handoverState: 'handed_over', authorization: { permissions: ['configuration'] } }, AUTHORIZED_CONFIGURATION_ONLY],
  ['authorized for live view only', { handoverState: 'handed_over', authorization: { permissions: ['live_view'] } }, AUTHORIZED_LIVE_VIEW_NOT_PLAYBACK],
];

describe('sitePolicy: the site operation matrix', () => {
  for (const [name, custody, table] of STATES) {
    it(`${name}: every operation for every relation`, () => {
      expect(Object.keys(table).sort()).toEqual([...SITE_OPERATIONS].sort());
      const got: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const op of SITE_OPERATIONS) {
        want[op] = table[op];
        got[op] = SITE_RELATIONS.map((rel) => {
          const v = sitePolicy(rel, custody, op);
          if (v.allowed) return '✓';
          const letter = (Object.entries(CODES).find(([, code]) => code === v.code) ?? ['?'])[0];
          return letter;
        }).join('');
        expect([...table[op]].length, `${op} row has one cell per relation`).toBe(SITE_RELATIONS.length);
      }
      expect(got).toEqual(want);
    });
  }

  it('refusals say why and what to do', () => {
    const v = sitePolicy('assigned', { handoverState: 'handed_over', authorization: { permissions: ['live_view'] } }, 'configure_device');
    expect(v).toMatchObject({ allowed: false, code: 'SITE_PERMISSION_MISSING', message: expect.stringMatching(/configuration/), hint: expect.stringMatching(/customer/) });
    const p = sitePolicy('installer_admin', { handoverState: 'handed_over', authorization: { permissions: ['configuration', 'live_view'] } }, 'playback');
    expect(p).toMatchObject({ allowed: false, code: 'SITE_PERMISSION_MISSING', message: expect.stringMatching(/playback/), hint: expect.stringMatching(/playback permission/) });
  });
});
