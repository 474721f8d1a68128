import type { Command } from 'commander';
import { runSwitch, switchOptions, SWITCH_EXIT_HELP, type SwitchCliOptions } from './apply.js';

export function register(program: Command): void {
  switchOptions(
    program
      .command('rollback')
      .description('Switch the live system back to the previous compiled database (s6-rc-update, then an atomic `current` swap).'),
  )
    .addHelpText('after', `
The previous database is the newest one under COMPILED_ROOT older than the live one (or than \`current\`
when there is no live state). Running rollback again goes one further back.
${SWITCH_EXIT_HELP}`)
    .action(async (opts: SwitchCliOptions) => {
      await runSwitch('rollback', undefined, opts);
    });
}
