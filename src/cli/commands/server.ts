import type { Command } from 'commander';

/** `sitekeeper server`: the platform, exactly as `npm start` runs it (configured by the environment). */
export function register(program: Command): void {
  program
    .command('server')
    .description('run the Sitekeeper platform (same as npm start; configure it with the variables in .env.example)')
    .action(async () => {
      await import('../../start/from-source');
    });
}
