import type { Command } from 'commander';
import { EXIT_USAGE } from '../exit-codes.js';

// Placeholder until the check command lands; registered so the command list is complete.
export function register(program: Command): void {
  program
    .command('check')
    .description('(not available yet)')
    .allowUnknownOption()
    .action(() => {
      process.stderr.write('s6migrate check: not available yet\n');
      process.exitCode = EXIT_USAGE;
    });
}
