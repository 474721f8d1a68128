import type { Command } from 'commander';
import type { Opts } from '../actions/upgrade.js';

export function register(program: Command): void {
  program
    .command('upgrade')
    .description('Upgrade oneshot wrappers into supervised longruns with an s6-log pipeline')
    .argument('<name...>', 'services to upgrade')
    .requiredOption('--in <dir>', 's6-rc source directory written by convert')
    .option('--yes', 'accept a low-confidence foreground command')
    .option('--log-dir <dir>', 'root of the log directories; each service logs to DIR/NAME', '/var/log/s6migrate')
    .option('--log-user <user>', 'run s6-log as this user (it then owns the log directory)')
    .option('--no-log', 'no log pipeline: one longrun keeps the name')
    .option('--command <cmdline>', 'the foreground command line (shell words, one service only)')
    .option('--user <user>', 'run the daemon as this user (user or user:group)')
    .option('--json', 'print the result as JSON')
    .action(async (names: string[], opts: Opts) => {
      const { runUpgrade } = await import('../actions/upgrade.js');
      process.exitCode = runUpgrade(names, opts);
    });
}
