/**
 * The webhook editor in Chromium against the real server (desktop): an installer admin adds an
 * endpoint (a loopback HTTP server), sees its signing secret once, sends a test and finds it in
 * the delivery log as delivered; the endpoint received it signed with that secret. The E-mail page
 * (SMTP configured: a real SMTP server on loopback) sends a test e-mail and logs it as sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { eventually } from '../helpers/wait';
import { SIGNATURE_HEADER, verifyWebhook } from '../../src/server/webhooks/webhook-signature';
import { seriousA11yViolations } from './support/axe';
import { ensureWebBuild } from './support/build';
import { describeBrowser, launchChromium, SETUP_TIMEOUT_MS, STEP_TIMEOUT_MS } from './support/chromium';
import { setupAdmin } from './support/session';

describeBrowser('webhook editor (Chromium, real server, 1280 px)', () => {
  let platform: TestPlatform;
  let launched: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let server: http.Server;
  const received: Array<{ body: string; signature: string }> = [];
  let smtp: SMTPServer;
  const mails: string[] = [];

  beforeAll(async () => {
    await ensureWebBuild();
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, cb) {
        simpleParser(stream).then((m) => {
          mails.push(m.subject ?? '');
          cb();
        }, (err: Error) => cb(err));
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
    platform = await startTestPlatform({ listen: true, config: { webhookAllowedRanges: ['127.0.0.0/8'], smtpUrl, smtpFrom: 'alerts@sitekeeper.test' } });
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers[SIGNATURE_HEADER] ?? '') });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    launched = await launchChromium();
    browser = launched.browser;
    ctx = await browser.newContext({ baseURL: platform.baseUrl, viewport: { width: 1280, height: 800 } });
    ctx.setDefaultTimeout(STEP_TIMEOUT_MS);
    await setupAdmin(ctx, platform.baseUrl, platform.setupToken);
    page = await ctx.newPage();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await launched?.close();
    await platform?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  });

  it('adds an endpoint, shows its secret once, sends a test and logs it as delivered', async () => {
    await page.goto('/webhooks');
    await page.getByText('No webhooks yet').waitFor();
    await page.getByLabel('Name').fill('NOC');
    await page.getByLabel('URL').fill(`http://127.0.0.1:${(server.address() as AddressInfo).port}/in`);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = await page.getByTestId('webhook-secret').locator('code').innerText();
    expect(secret.length).toBeGreaterThan(16);
    await page.getByRole('table', { name: 'Webhook endpoints' }).getByText('NOC').waitFor();
    const log = page.getByTestId('webhook-deliveries');
    await log.getByText('Nothing sent yet').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await log.getByRole('button', { name: 'Send test' }).click();
    const row = log.getByRole('table', { name: 'Deliveries to NOC' }).locator('tbody tr');
    await row.filter({ hasText: 'webhook.test' }).filter({ hasText: /delivered/i }).waitFor();
    expect(await row.count()).toBe(1);
    expect(received).toHaveLength(1);
    expect(verifyWebhook(secret, received[0]!.body, received[0]!.signature, Math.floor(Date.now() / 1000))).toBe(true);
  });

  it('the E-mail page says e-mail is on, sends a test e-mail and logs it as sent', async () => {
    await page.goto('/email');
    await page.getByTestId('email-state').getByText('alerts@sitekeeper.test').waitFor();
    await page.getByText('No e-mail sent yet').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Send me a test e-mail' }).click();
    const row = page.getByRole('table', { name: 'E-mail delivery log' }).locator('tbody tr');
    await row.filter({ hasText: 'Test' }).waitFor();
    // The log shows the outcome once the job ran: wait for it on the server, then reload.
    await eventually(async () => (await platform.app.platform.database.db.selectFrom('email_deliveries').select('state').where('kind', '=', 'test').executeTakeFirst())?.state === 'sent', 'test e-mail sent');
    await page.reload();
    await row.filter({ hasText: 'Sitekeeper: test e-mail' }).locator('.badge-sent').waitFor();
    expect(mails).toEqual(['Sitekeeper: test e-mail']);
  });
});
