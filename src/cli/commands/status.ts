import type { Command } from 'commander';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { printDiagnostics, printJson } from '../report.js';

export function register(program: Command): void {
  program
    .command('status')
    .description('Show how far the upgrade to supervised longruns has come')
    .requiredOption('--in <dir>', 's6-rc source directory written by convert')
    .option('--json', 'print the progress as JSON')
    .action(async (opts: { in: string; json?: boolean }) => {
      const { progress, renderProgress } = await import('../../state/state.js');
      const { trackedServices } = await import('../../upgrade/upgrade.js');
      const { loadWorkspace } = await import('../../upgrade/workspace.js');
      const loaded = loadWorkspace(opts.in);
      if (!loaded.ws) {
        printDiagnostics(loaded.diagnostics);
        process.exitCode = EXIT_USAGE;
        return;
      }
      const p = progress(loaded.ws.state, trackedServices(loaded.ws));
      if (opts.json) printJson(p);
      else process.stdout.write(renderProgress(p));
      process.exitCode = EXIT_OK;
    });
}
