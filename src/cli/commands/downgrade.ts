import type { Command } from 'commander';
import { diag, type Diagnostic } from '../../model/diagnostic.js';
import { EXIT_ATTENTION, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { printDiagnostics } from '../report.js';

export function register(program: Command): void {
  program
    .command('downgrade')
    .description('Undo `upgrade`: put back what `convert` made of each service (its oneshot wrapper, or the unlogged longrun of a systemd unit)')
    .argument('<name...>', 'upgraded services to turn back (see `s6migrate status`)')
    .requiredOption('--in <dir>', 'the s6-rc source directory written by `s6migrate convert`; changed in place, and only if the result passes the validator')
    .addHelpText('after', `
NAME-srv and NAME-log (or the single longrun of --no-log) are removed and NAME is restored byte for byte
as .s6migrate/state.json kept it (re-emitted from model.json if state.json has no copy); dependencies and
bundles that name NAME keep working. The service leaves state.json, so the wizard offers it again. Log
directories on the system are not touched.

Exit codes: 0 every service turned back, 1 some service was not upgraded or the result failed validation,
2 usage error.`)
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
