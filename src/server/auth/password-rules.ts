import { AppError } from '../../errors/app-error';

/** Rules for Sitekeeper login passwords (device admin passwords have their own policy). */
export function checkLoginPassword(password: string, email: string): void {
  const problems: string[] = [];
  if (password.length < 10) problems.push('at least 10 characters');
  if (password.length > 128) problems.push('at most 128 characters');
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 2) problems.push('at least two of: lower case, upper case, digits, symbols');
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 3 && password.toLowerCase().includes(local)) problems.push('must not contain your e-mail name');
  if (problems.length > 0) throw new AppError('PASSWORD_TOO_WEAK', undefined, { details: { problems } });
}
