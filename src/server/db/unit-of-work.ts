/**
 * Services run each change in one transaction through a UnitOfWork, which hands them repositories
 * bound to that transaction: a change and its audit row commit together or not at all.
 */
import type { Kysely } from 'kysely';
import type { DB } from './schema';
import type { Executor } from './executor';
import { AuditRepository } from '../audit/audit.repository';
import { UserRepository } from '../auth/user.repository';
import { SiteRepository } from '../sites/site.repository';
import { SiteCustodyRepository } from '../sites/site-custody.repository';
import { InvitationRepository } from '../installers/invitation.repository';
import { PasswordResetRepository } from '../installers/password-reset.repository';
import { EventRepository } from '../events/event.repository';
import { CompanyRepository } from '../auth/company.repository';
import { SessionRepository } from '../auth/session.repository';
import { ApiTokenRepository } from '../auth/api-token.repository';
import { LoginThrottleRepository } from '../auth/login-throttle.repository';
import { SettingRepository } from '../system/setting.repository';
import { DeviceRepository } from '../devices/device.repository';
import { NotificationRepository } from '../notifications/notification.repository';
import { OnboardingRepository } from '../onboarding/onboarding.repository';
import { SiteAgentRepository } from '../agents/site-agent.repository';
import { HealthRepository } from '../health/health.repository';
import { ExceptionRepository } from '../exceptions/exception.repository';
import { WebhookRepository } from '../webhooks/webhook.repository';
import { AxproRepository } from '../axpro/axpro.repository';
import { LinkageRepository } from '../linkage/linkage.repository';
import { EmailRepository } from '../email/email.repository';
import { FirmwareRepository } from '../firmware/firmware.repository';

export interface Repos {
  users: UserRepository;
  sites: SiteRepository;
  /** Site invitations (handover) and the owner's authorizations. */
  custody: SiteCustodyRepository;
  audit: AuditRepository;
  invitations: InvitationRepository;
  /** One-time password reset links. */
  passwordResets: PasswordResetRepository;
  /** The domain-event outbox: append in the same transaction as the change. */
  events: EventRepository;
  companies: CompanyRepository;
  sessions: SessionRepository;
  apiTokens: ApiTokenRepository;
  loginThrottle: LoginThrottleRepository;
  /** Secrets waiting to reach devices (sealed). */
  settings: SettingRepository;
  devices: DeviceRepository;
  notifications: NotificationRepository;
  /** Scans, batches and their items, and the device rows onboarding inserts. */
  onboarding: OnboardingRepository;
  /** Site agents: enrolments, sealed keys, revocation. */
  siteAgents: SiteAgentRepository;
  /** Device health: current summaries and snapshots, history, the poller's lease. */
  health: HealthRepository;
  /** Exception rules, exceptions raised and site storms. */
  exceptions: ExceptionRepository;
  /** Webhook endpoints and their delivery log. */
  webhooks: WebhookRepository;
  /** AX Pro panel accounts Sitekeeper made, and the sealed passwords waiting for panels. */
  axpro: AxproRepository;
  /** Linkage rules and their firing log. */
  linkage: LinkageRepository;
  /** E-mails to send through SMTP and their delivery log. */
  email: EmailRepository;
  /** Firmware packages, upgrade campaigns and their devices' upgrade state. */
  firmware: FirmwareRepository;
}

export function reposFor(db: Executor): Repos {
  return {
    users: new UserRepository(db),
    sites: new SiteRepository(db),
    custody: new SiteCustodyRepository(db),
    audit: new AuditRepository(db),
    invitations: new InvitationRepository(db),
    passwordResets: new PasswordResetRepository(db),
    events: new EventRepository(db),
    companies: new CompanyRepository(db),
    sessions: new SessionRepository(db),
    apiTokens: new ApiTokenRepository(db),
    loginThrottle: new LoginThrottleRepository(db),
    settings: new SettingRepository(db),
    devices: new DeviceRepository(db),
    notifications: new NotificationRepository(db),
    onboarding: new OnboardingRepository(db),
    siteAgents: new SiteAgentRepository(db),
    health: new HealthRepository(db),
    exceptions: new ExceptionRepository(db),
    webhooks: new WebhookRepository(db),
    axpro: new AxproRepository(db),
    linkage: new LinkageRepository(db),
    email: new EmailRepository(db),
    firmware: new FirmwareRepository(db),
  };
}

export interface UnitOfWork {
  /** Run `fn` in a transaction: the only way a service opens one. */
  tx<T>(fn: (repos: Repos) => Promise<T>): Promise<T>;
  /** Repositories on the pool, for reads that need no transaction. */
  readonly read: Repos;
}

export function createUnitOfWork(db: Kysely<DB>): UnitOfWork {
  return {
    tx: (fn) => db.transaction().execute((trx) => fn(reposFor(trx))),
    read: reposFor(db),
  };
}
