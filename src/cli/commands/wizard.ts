import type { Command } from 'commander';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { printDiagnostics } from '../report.js';

interface Opts {
  in: string;
  log: boolean;
  logDir: string;
  logUser?: string;
  all?: boolean;
}

export function register(program: Command): void {
  program
    .command('wizard')
    .description('Upgrade services interactively, one at a time, most confident first (resumable)')
    .requiredOption('--in <dir>', 's6-rc source directory written by convert')
    .option('--log-dir <dir>', 'root of the log directories; each service logs to DIR/NAME', '/var/log/s6migrate')
    .option('--log-user <user>', 'run s6-log as this user')
    .option('--no-log', 'propose single longruns without a log pipeline')
    .option('--all', 'offer services skipped in an earlier run again')
    .action(async (opts: Opts) => {
      const { loadWorkspace, saveWorkspace } = await import('../../upgrade/workspace.js');
      const { runWizard } = await import('../../upgrade/wizard.js');
      if (!process.stdin.isTTY) {
        process.stderr.write('s6migrate wizard: needs a terminal; use `s6migrate upgrade` in scripts\n');
        process.exitCode = EXIT_USAGE;
        return;
      }
      const loaded = loadWorkspace(opts.in);
      if (!loaded.ws) {
        printDiagnostics(loaded.diagnostics);
        process.exitCode = EXIT_USAGE;
        return;
      }
      // The prompt library loads only here, so every other command starts fast.
      const { inquirerIO } = await import('../../upgrade/prompts.js');
      const io = await inquirerIO();
      const wizardOpts = { log: opts.log, logRoot: opts.logDir.replace(/\/+$/, ''), all: Boolean(opts.all), ...(opts.logUser ? { logUser: opts.logUser } : {}) };
      try {
        const { summary } = await runWizard(loaded.ws, io, (ws) => saveWorkspace(opts.in, ws, loaded.stateFiles), wizardOpts);
        process.stdout.write(`accepted ${summary.accepted.length}, skipped ${summary.skipped.length}${summary.quit ? ', stopped early (run again to resume)' : ''}\n`);
        process.exitCode = EXIT_OK;
      } catch (e) {
        // Ctrl-C inside a prompt: everything answered so far is already saved.
        if (e instanceof Error && e.name === 'ExitPromptError') {
          process.stdout.write('\nstopped; run again to resume\n');
          process.exitCode = EXIT_OK;
          return;
        }
        throw e;
      }
    });
}
