import type { Command } from 'commander';
import { EXIT_USAGE } from '../exit-codes.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../../apply/switch.js';

export interface SwitchCliOptions {
  compiledRoot: string;
  live: string;
  keep: string;
  dryRun?: boolean;
  json?: boolean;
  scandir?: string;
  timeout: string;
}

export const SWITCH_EXIT_HELP = `
Exit codes: 0 switched (or dry run ok); 1 s6-rc-update ran but services failed (the message says whether
the database was switched anyway); 2 nothing was switched: usage or environment error (s6-rc tools
missing, bad paths, invalid source tree, s6-rc-update refused); 3 timed out: s6-rc-update or bringing
services up did not finish within --timeout. After 1 or 3, COMPILED_ROOT/current and LIVE/compiled name
the same database, and the message says what is still down and the command that starts it.
`;

/** Registers the options apply and rollback share. */
export function switchOptions(cmd: Command): Command {
  return cmd
    .option('--compiled-root <dir>', 'where compiled databases, their sources and the `current` symlink live', '/etc/s6-rc')
    .option('--live <dir>', 'the s6-rc live directory', '/run/s6-rc')
    .option('--keep <n>', 'how many databases to keep (the live one and `current` are always kept)', '3')
    .option('--scandir <dir>', 'scan directory to show in the s6-rc-init command printed on first install')
    .option('--timeout <seconds>', 'limit on s6-rc-update (its -t) and on bringing services up; 0: no limit', String(DEFAULT_TIMEOUT_SECONDS))
    .option('--dry-run', 'compile into a temporary directory and show the plan; change nothing')
    .option('--json', 'print the report as JSON on stdout');
}

export async function runSwitch(kind: 'apply' | 'rollback', dir: string | undefined, opts: SwitchCliOptions): Promise<void> {
  const keep = /^\d+$/.test(opts.keep) ? Number(opts.keep) : NaN;
  const { apply, rollback } = await import('../../apply/index.js');
  const { printDiagnostics, printJson } = await import('../report.js');
  const timeoutSeconds = /^\d+$/.test(opts.timeout) ? Number(opts.timeout) : NaN;
  const progress = (line: string) => process.stderr.write(`s6migrate ${kind}: ${line}\n`);
  const options = { compiledRoot: opts.compiledRoot, live: opts.live, keep, dryRun: Boolean(opts.dryRun), scandir: opts.scandir, timeoutSeconds, progress };
  const report = kind === 'apply' ? await apply(dir ?? '', options) : await rollback(options);
  if (opts.json) await printJson(report);
  else {
    printDiagnostics(report.diagnostics);
    for (const m of report.messages) {
      const stream = m.startsWith('error:') ? process.stderr : process.stdout;
      stream.write(`s6migrate ${kind}: ${m}\n`);
    }
    if (report.conversion) process.stdout.write(`conversion file:\n${report.conversion}`);
    if (report.nextSteps.length) {
      process.stdout.write(`next, to boot this database (s6-svscan must already run on the scan directory):\n${report.nextSteps.map((s) => `  ${s}\n`).join('')}`);
      if (!opts.scandir) process.stdout.write('  (SCANDIR: the directory s6-svscan runs on; --scandir DIR fills it in)\n');
    }
  }
  process.exitCode = report.exitCode;
}

export function register(program: Command): void {
  switchOptions(
    program
      .command('apply')
      .description('Compile an s6-rc source directory into a new database and switch the live system to it safely.')
      .argument('<dir>', 'the s6-rc source directory'),
  )
    .addHelpText('after', `
Compiles DIR into COMPILED_ROOT/compiled-<time>-<hash> (never over an existing database), runs
s6-rc-update -n to show what will stop and start, then s6-rc-update and, only after it succeeds, re-points
COMPILED_ROOT/current atomically. Longruns whose files changed are restarted through a conversion file.
With no live state yet, only points \`current\` at the database and prints the s6-rc-init command.
${SWITCH_EXIT_HELP}`)
    .action(async (dir: string, opts: SwitchCliOptions) => {
      if (!dir) {
        process.exitCode = EXIT_USAGE;
        return;
      }
      await runSwitch('apply', dir, opts);
    });
}
