import type { Command } from 'commander';

/** Placeholder: the 'server' command group is being built. */
export function register(_program: Command): void {}
