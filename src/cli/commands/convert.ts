import type { Command } from 'commander';
import { EXIT_USAGE } from '../exit-codes.js';

// Placeholder until the convert command lands; registered so the command list is complete.
export function register(program: Command): void {
  program
    .command('convert')
    .description('(not available yet)')
    .allowUnknownOption()
    .action(() => {
      process.stderr.write('s6migrate convert: not available yet\n');
      process.exitCode = EXIT_USAGE;
    });
}
