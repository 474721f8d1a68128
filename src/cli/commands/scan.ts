import { Option, type Command } from 'commander';
import type { InitSystem } from '../../host-init.js';
import { EXIT_ATTENTION, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import type { Service } from '../../model/service.js';
import type { Diagnostic } from '../../model/diagnostic.js';

interface Opts {
  root: string;
  json?: boolean;
  init?: InitSystem;
}

/** `--init` for scan, convert and graph: which init system's definitions and enablement are the truth. */
export function initOption(): Option {
  const choices: readonly InitSystem[] = ['sysv', 'openrc', 'systemd'];
  return new Option('--init <system>', 'the init system the host runs, instead of detecting it from /sbin/init, /etc/inittab, /etc/runlevels and default.target: its definitions win when a service has several, and only what it enables is started')
    .choices(choices);
}

/** Help shared by scan and convert: what PATH and --root mean. */
export const SOURCES_HELP = `
With no PATH, reads the standard locations under --root: /etc/init.d (sysvinit and OpenRC scripts) and
the systemd unit directories (/etc/systemd/system, /run/systemd/system, /lib/systemd/system,
/usr/lib/systemd/system). A PATH that is a directory contributes its entries (not recursive); a file is
read as a systemd unit when its name ends in .service, .socket, .timer, .path, .mount or .target, as an
OpenRC script when its #! line names openrc-run, and as a sysvinit script otherwise. Companion files
(/etc/default, /etc/rc?.d, /etc/insserv.conf, /etc/inittab, /etc/conf.d, /etc/runlevels) are read under
--root. Nothing is ever executed or modified.`;

export const ROOT_HELP =
  'root of the host to read (a mounted image or chroot; default /). Paths written into the output are the converted system\'s: /etc/init.d/ssh, never DIR/etc/init.d/ssh';

/** Exit 2 when a PATH named on the command line does not exist: nothing sensible can be reported. */
export function hasMissingPath(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.code === 'path-not-found');
}

export function register(program: Command): void {
  program
    .command('scan')
    // Usage errors throw to main(), which exits 2 (subcommands do not inherit the program's override).
    .description('Show what services the host has: format, bundles, dependencies, daemon, notes')
    .argument('[path...]', 'init scripts, units or directories to read (default: the host\'s standard locations under --root)')
    .option('--root <dir>', ROOT_HELP, '/')
    .option('--json', 'print {services, host, diagnostics} as JSON on stdout (the model after the passes)')
    .addOption(initOption())
    .addHelpText('after', `${SOURCES_HELP}

Exit codes: 0 every service can be converted, 1 some cannot or an error was reported, 2 usage error
(a PATH that does not exist).`)
    .action(async (paths: string[], opts: Opts) => {
      const { scanHost } = await import('../../pipeline.js');
      const { hasErrors, printDiagnostics, printJson } = await import('../report.js');
      const { progressFor } = await import('../progress.js');
      const progress = progressFor({ json: opts.json });
      const result = scanHost({ paths, root: opts.root, ...(opts.init ? { init: opts.init } : {}), onProgress: (step, done, total) => progress.update(done, total, step) });
      progress.done();
      const converted = new Set(result.tree.definitions.keys());
      if (opts.json) {
        await printJson({ services: result.services, host: result.host, diagnostics: result.diagnostics });
      } else {
        if (result.host.init) process.stdout.write(`init system: ${(await import('../../host-init.js')).describeInit(result.host.init)}\n`);
        process.stdout.write(renderTable(result.services, converted));
        printDiagnostics(result.diagnostics);
      }
      if (hasMissingPath(result.diagnostics)) process.exitCode = EXIT_USAGE;
      else process.exitCode = hasErrors(result.diagnostics) || result.services.some((s) => !converted.has(s.name)) ? EXIT_ATTENTION : EXIT_OK;
    });
}

/** A word list as a reader would type it: quoted only when needed. */
function shellish(argv: readonly string[]): string {
  return argv.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function dependencyNames(s: Service): string[] {
  if (s.s6Dependencies) return s.s6Dependencies;
  return [...new Set(s.deps.filter((d) => d.kind === 'requires' || d.kind === 'wants').map((d) => d.target))];
}

/** Widest a padded column may grow: one service that depends on everything must not widen every row. */
const LIST_COLUMN_WIDTH = 48;
const DAEMON_COLUMN_WIDTH = 64;
const ENABLED_COLUMN_WIDTH = 48;

/** As many items as fit in `width`, then how many were left out; `--json` has the whole list. */
export function fitList(items: readonly string[], width: number): string {
  const full = items.join(',');
  if (full.length <= width) return full || '-';
  let shown = '';
  for (let i = 0; i < items.length; i++) {
    const more = `,+${items.length - i} more`;
    const next = shown ? `${shown},${items[i]}` : items[i]!;
    if (next.length + `,+${items.length - i - 1} more`.length > width) return shown ? shown + more : `+${items.length} more`;
    shown = next;
  }
  return shown;
}

/** Text cut to `width` characters, the cut marked. */
export function fitText(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 3)}...`;
}

export function renderTable(services: readonly Service[], converted: ReadonlySet<string>): string {
  const header = ['SERVICE', 'FORMAT', 'ENABLED', 'BUNDLES', 'DEPENDENCIES', 'DAEMON', 'NOTES'];
  const rows = services.map((s) => [
    converted.has(s.name) ? s.name : `${s.name} (not converted)`,
    s.format,
    s.enabled ? fitText(`${s.enabled.value ? 'yes' : 'no'}: ${s.enabled.why}`, ENABLED_COLUMN_WIDTH) : '-',
    fitList(s.startIn, LIST_COLUMN_WIDTH),
    fitList(dependencyNames(s), LIST_COLUMN_WIDTH),
    s.run.daemon ? fitText(shellish(s.run.daemon.argv), DAEMON_COLUMN_WIDTH) : '-',
    String(s.findings.length),
  ]);
  if (rows.length === 0) return 'no services found\n';
  const widths = header.map((h) => h.length);
  for (const r of rows) for (let i = 0; i < r.length; i++) if (r[i]!.length > widths[i]!) widths[i] = r[i]!.length;
  // The last column needs no padding; the daemon column is the long one, so it goes before NOTES.
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const convertible = services.filter((s) => converted.has(s.name)).length;
  return [line(header), ...rows.map(line)].join('\n') + `\n${services.length} service${services.length === 1 ? '' : 's'}, ${convertible} convertible\n`;
}
