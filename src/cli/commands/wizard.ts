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
    .description('Upgrade services interactively, one at a time, most confident first; stop any time and run it again to resume')
    .requiredOption('--in <dir>', 'the s6-rc source directory written by `s6migrate convert`; each accepted service is written at once, and only if the tree passes the validator')
    .option('--log-dir <dir>', 'absolute directory under which each service logs (DIR/NAME, editable per service); rotation as for `upgrade`', '/var/log/s6migrate')
    .option('--log-user <account>', 'run every s6-log as this account, which then owns the log directories (default: root)')
    .option('--no-log', 'propose single longruns named NAME without a log pipeline (a service can still get one by editing its log directory)')
    .option('--all', 'also offer the services you skipped in an earlier run (skips are recorded in .s6migrate/state.json)')
    .addHelpText('after', `
Offers every service still as convert made it (oneshot wrappers and unlogged systemd longruns), highest
confidence first. For each it shows the command and where it came from, the user, the log directory,
what is and is not carried over, and a diff against the current files, then asks:
  Accept                  upgrade it now (same result as \`s6migrate upgrade\`)
  Edit the command        type the foreground command line (shell words, taken literally)
  Edit the user           NAME, NAME:GROUP or UID:GID; empty = as the source says
  Edit the log directory  an absolute path; empty = no log pipeline
  Skip                    leave it as it is; not offered again unless --all
  Quit                    stop; everything answered so far is saved (Ctrl-C does the same)
Needs a terminal; in scripts use \`s6migrate upgrade\`. \`s6migrate status\` shows the progress.`)
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
