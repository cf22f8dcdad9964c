import type { Command } from 'commander';

/** Placeholder: the 'emulator' command group is being built. */
export function register(_program: Command): void {}
