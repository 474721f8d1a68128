import type { Command } from 'commander';
import { diag, type Diagnostic } from '../../model/diagnostic.js';
import { EXIT_ATTENTION, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { printDiagnostics } from '../report.js';

export function register(program: Command): void {
  program
    .command('downgrade')
    .description('Turn upgraded longruns back into their oneshot wrappers')
    .argument('<name...>', 'services to downgrade')
    .requiredOption('--in <dir>', 's6-rc source directory written by convert')
    .action(async (names: string[], opts: { in: string }) => {
      const { downgrade } = await import('../../upgrade/upgrade.js');
      const { loadWorkspace, saveWorkspace } = await import('../../upgrade/workspace.js');
      const loaded = loadWorkspace(opts.in);
      if (!loaded.ws) {
        printDiagnostics(loaded.diagnostics);
        process.exitCode = EXIT_USAGE;
        return;
      }
      let ws = loaded.ws;
      const diagnostics: Diagnostic[] = [];
      const done: string[] = [];
      for (const name of [...new Set(names)]) {
        const r = downgrade(ws, name);
        if (!r.ok) {
          diagnostics.push(diag('error', `downgrade-${r.code}`, opts.in, undefined, `${name}: ${r.reason}`, name));
          continue;
        }
        ws = r.ws;
        done.push(name);
      }
      if (done.length > 0) {
        const saved = saveWorkspace(opts.in, ws, loaded.stateFiles);
        if (!saved.ok) {
          printDiagnostics([...diagnostics, ...saved.diagnostics]);
          process.exitCode = EXIT_ATTENTION;
          return;
        }
      }
      for (const n of done) process.stdout.write(`${n}: back to its oneshot wrapper\n`);
      printDiagnostics(diagnostics);
      process.exitCode = diagnostics.length > 0 ? EXIT_ATTENTION : EXIT_OK;
    });
}
