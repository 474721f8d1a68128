import type { Command } from 'commander';
import { cmp, type Diagnostic } from '../../model/diagnostic.js';
import type { Service } from '../../model/service.js';
import type { S6Tree } from '../../s6rc/tree.js';
import { EXIT_ATTENTION, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { hasMissingPath, initOption, ROOT_HELP, SOURCES_HELP } from './scan.js';
import type { InitSystem } from '../../host-init.js';

interface Opts {
  root: string;
  out: string;
  force?: boolean;
  json?: boolean;
  init?: InitSystem;
}

export function register(program: Command): void {
  program
    .command('convert')
    // Usage errors throw to main(), which exits 2 (subcommands do not inherit the program's override).
    .description('Write an s6-rc source directory: one oneshot wrapper per service, bundles for facilities and runlevels')
    .argument('[path...]', 'init scripts, units or directories to read (default: the host\'s standard locations under --root)')
    .option('--root <dir>', ROOT_HELP, '/')
    .requiredOption('--out <dir>', 'the s6-rc source directory to write; built beside it and renamed into place only once it passes the validator')
    .option('--force', 'replace --out when it already holds an s6-rc source directory (the old tree is removed only after the new one is in place)')
    .option('--json', 'print {ok, out, counts, notConverted, diagnostics} as JSON on stdout')
    .addOption(initOption())
    .addHelpText('after', `${SOURCES_HELP}

The tree gets one definition directory per service (type, up, down, dependencies.d/), one bundle per
virtual facility, per runlevel (runlevel-2 ...) and "default", and OUT/.s6migrate/model.json, what was
imported, which upgrade and downgrade read later. Services that cannot be converted are reported with
the reason and left out; everything else is still written.

Exit codes: 0 every service converted, no errors; 1 written, but some services need attention (printed);
2 usage or environment error: nothing written (missing --out, a PATH that does not exist, --out exists
and is not empty without --force, or is not an s6-rc source directory).`)
    .action(async (paths: string[], opts: Opts) => {
      const { scanHost, writeConversion } = await import('../../pipeline.js');
      const { hasErrors, printDiagnostics, printJson } = await import('../report.js');
      const { progressFor } = await import('../progress.js');
      const progress = progressFor({ json: opts.json });
      let read = { done: 0, total: 0 };
      const scanned = scanHost({ paths, root: opts.root, ...(opts.init ? { init: opts.init } : {}), onProgress: (step, done, total) => {
        read = { done, total };
        progress.update(done, total, step);
      } });
      // A PATH that does not exist is a usage error: stop before touching --out.
      if (hasMissingPath(scanned.diagnostics)) {
        if (opts.json) await printJson({ ok: false, out: opts.out, diagnostics: scanned.diagnostics });
        else printDiagnostics(scanned.diagnostics);
        process.exitCode = EXIT_USAGE;
        return;
      }
      progress.update(read.done, read.total, 'writing and checking the tree');
      const result = writeConversion(scanned, opts.out, Boolean(opts.force));
      progress.done();
      const summary = summarize(result.services, result.tree, result.diagnostics);
      const ok = result.write.ok;
      if (opts.json) {
        await printJson({ ok, out: opts.out, counts: summary.counts, notConverted: summary.notConverted, diagnostics: result.diagnostics });
      } else {
        printDiagnostics(result.diagnostics);
        process.stdout.write(renderSummary(opts.out, ok, summary));
      }
      if (result.write.refused) process.exitCode = EXIT_USAGE;
      else if (!ok || hasErrors(result.diagnostics) || summary.notConverted.length > 0) process.exitCode = EXIT_ATTENTION;
      else process.exitCode = EXIT_OK;
    });
}

export interface Summary {
  counts: { oneshot: number; longrun: number; bundle: number };
  notConverted: { name: string; file: string; reason: string }[];
}

export function summarize(services: readonly Service[], tree: S6Tree, diagnostics: readonly Diagnostic[]): Summary {
  const counts = { oneshot: 0, longrun: 0, bundle: 0 };
  for (const d of tree.definitions.values()) counts[d.type]++;
  // The emitter says why (service-not-converted, unsafe-argument): the first such message per service,
  // indexed once (a search per service is quadratic on a large host).
  const saidFor = new Map<string, Diagnostic>();
  for (const d of diagnostics) {
    if (d.service !== undefined && d.severity !== 'note' && !saidFor.has(d.service) && d.message.includes('not converted')) saidFor.set(d.service, d);
  }
  const notConverted = services
    .filter((s) => !tree.definitions.has(s.name))
    .map((s) => {
      // Fall back to the service's findings.
      const said = saidFor.get(s.name);
      const reason = said ? said.message.replace(/^.*?not converted: /, '') : (s.findings[0]?.message ?? 'the source gives no way to start it');
      return { name: s.name, file: s.sources[0]?.file ?? '', reason };
    })
    .sort((a, b) => cmp(a.name, b.name));
  return { counts, notConverted };
}

export function renderSummary(out: string, ok: boolean, s: Summary): string {
  const lines: string[] = [];
  if (ok) {
    lines.push(`wrote ${s.counts.oneshot} oneshot${s.counts.oneshot === 1 ? '' : 's'}, ${s.counts.longrun} longrun${s.counts.longrun === 1 ? '' : 's'}, ${s.counts.bundle} bundle${s.counts.bundle === 1 ? '' : 's'} to ${out}`);
  } else {
    lines.push(`nothing written to ${out} (see the errors above)`);
  }
  if (s.notConverted.length > 0) {
    lines.push(`${s.notConverted.length} service${s.notConverted.length === 1 ? '' : 's'} not converted:`);
    for (const n of s.notConverted) lines.push(`  ${n.name} (${n.file}): ${n.reason}`);
  }
  return lines.join('\n') + '\n';
}
