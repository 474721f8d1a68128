import type { Command } from 'commander';
import { EXIT_USAGE } from '../exit-codes.js';

// Placeholder until the wizard command lands; registered so the command list is complete.
export function register(program: Command): void {
  program
    .command('wizard')
    .description('(not available yet)')
    .allowUnknownOption()
    .action(() => {
      process.stderr.write('s6migrate wizard: not available yet\n');
      process.exitCode = EXIT_USAGE;
    });
}
