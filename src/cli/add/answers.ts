/**
 * The answers the chosen devices need (admin password for activation, verification code, device
 * password), asked on a terminal for what the flags did not give. Secrets are never echoed.
 */
import { CliError } from '../cli-error';
import type { Candidate } from '../api/onboarding';
import type { Answers } from './request';

export interface Prompts {
  /** A line typed without echo. */
  secret(question: string): Promise<string>;
  /** A line typed with echo, trimmed. */
  line(question: string): Promise<string>;
}

export async function askAnswers(needs: ReadonlySet<Candidate['nextAction']>, given: Answers, ask: Prompts): Promise<Answers> {
  let { verificationCode, adminPassword, devicePassword } = given;
  if (!adminPassword && needs.has('activate')) {
    adminPassword = await ask.secret('New admin password for the factory-new device(s): ');
    if ((await ask.secret('Repeat it: ')) !== adminPassword) throw new CliError('VALIDATION_FAILED', 'The two passwords differ.', 'Run the command again.');
  }
  if (!verificationCode && needs.has('enter_verification_code')) verificationCode = await ask.line('Verification code (on the device label): ');
  if (!verificationCode && needs.has('enable_cloud')) verificationCode = await ask.line('Choose a verification code for the cloud service (6–12 letters or digits): ');
  if (!devicePassword && (needs.has('enter_password') || needs.has('enable_cloud'))) devicePassword = await ask.secret('Device admin password: ');
  return { verificationCode, adminPassword, devicePassword };
}
