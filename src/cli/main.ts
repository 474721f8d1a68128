/**
 * s6migrate entry point: parses options and calls the stages; no logic of its own. Each command lives in
 * `commands/NAME.ts` and registers its options and help text; heavy modules load inside actions only, so
 * `--help` stays fast.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE } from './exit-codes.js';
import { COMMANDS } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('s6migrate')
    .description('Move a host\'s services from sysvinit, OpenRC and systemd to s6-rc.')
    .version('0.1.0')
    .showHelpAfterError()
    // Before the commands are added, so they inherit it: a usage error returns 2 instead of exiting 1.
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    // Before any command's work, never for --help: loading node:v8 costs start-up time.
    .hook('preAction', async () => (await import('./heap.js')).tuneHeapForBatchWork());
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      // `s6migrate` with no command shows the help on stderr as a usage error; `help` asked for it.
      if (e.code === 'commander.help') return e.exitCode === 0 ? 0 : EXIT_USAGE;
      return EXIT_USAGE;
    }
    process.stderr.write(`s6migrate: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_USAGE;
  }
  return process.exitCode === undefined ? 0 : Number(process.exitCode);
}
