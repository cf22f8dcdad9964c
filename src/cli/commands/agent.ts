import type { Command } from 'commander';

/** Placeholder: the 'agent' command group is being built. */
export function register(_program: Command): void {}
