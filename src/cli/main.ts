/**
 * `sitekeeper` command line. Each command group lives in ./commands/<name>.ts and exports
 * `register(program)`; add a group by adding one import and one call below.
 */
import { Command } from 'commander';
import { register as registerQr } from './commands/qr';
import { register as registerEmulator } from './commands/emulator';
import { register as registerDevice } from './commands/device';
import { register as registerAgent } from './commands/agent';
import { register as registerServer } from './commands/server';
import { register as registerAdd } from './commands/add';

const program = new Command();
program.name('sitekeeper').description('Sitekeeper: add devices by QR and keep them healthy.').showHelpAfterError();

registerServer(program);
registerQr(program);
registerEmulator(program);
registerDevice(program);
registerAgent(program);
registerAdd(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const e = err as { code?: string; message?: string; hint?: string };
  process.stderr.write(`error${e.code ? ` ${e.code}` : ''}: ${e.message ?? String(err)}\n`);
  if (e.hint) process.stderr.write(`hint: ${e.hint}\n`);
  process.exitCode = 1;
});
