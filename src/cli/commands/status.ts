import type { Command } from 'commander';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { printDiagnostics, printJson } from '../report.js';

export function register(program: Command): void {
  program
    .command('status')
    .description('Show how far the upgrade to supervised longruns has come (reads the tree, changes nothing)')
    .requiredOption('--in <dir>', 'the s6-rc source directory written by `s6migrate convert`')
    .option('--json', 'print {total, upgraded, rows: [{name, stage, detail}]} as JSON instead of the table')
    .addHelpText('after', `
One row per service: STAGE is \`wrapper\` (still as convert made it; DETAIL says "longrun without log" for
a systemd unit convert already supervised, and "skipped" when skipped in the wizard) or \`longrun\`
(upgraded; DETAIL gives the evidence/confidence of its command, its log directory and its user).`)
    .action(async (opts: { in: string; json?: boolean }) => {
      const { progress, renderProgress } = await import('../../state/state.js');
      const { trackedServices, unloggedLongruns } = await import('../../upgrade/upgrade.js');
      const { loadWorkspace } = await import('../../upgrade/workspace.js');
      const loaded = loadWorkspace(opts.in);
      if (!loaded.ws) {
        printDiagnostics(loaded.diagnostics);
        process.exitCode = EXIT_USAGE;
        return;
      }
      const p = progress(loaded.ws.state, trackedServices(loaded.ws), unloggedLongruns(loaded.ws));
      if (opts.json) await printJson(p);
      else process.stdout.write(renderProgress(p));
      process.exitCode = EXIT_OK;
    });
}
