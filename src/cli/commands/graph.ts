import type { Command } from 'commander';
import { EXIT_ATTENTION, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { initOption, ROOT_HELP, SOURCES_HELP } from './scan.js';
import type { InitSystem } from '../../host-init.js';

interface Opts {
  init?: InitSystem;
  root: string;
  in?: string;
  format: string;
  svg?: string;
}

export function register(program: Command): void {
  program
    .command('graph')
    .description('Print the dependency and bundle graph (what starts before what) as Graphviz dot or Mermaid')
    .argument('[path...]', 'init scripts, units or directories to read, as for scan (ignored with --in)')
    .option('--root <dir>', ROOT_HELP, '/')
    .addOption(initOption())
    .option('--in <dir>', 'draw an s6-rc source directory already written (by convert, upgrade or by hand) instead of scanning the host')
    .option('--format <format>', 'dot (Graphviz) or mermaid (renders in Markdown viewers)', 'dot')
    .option('--svg <file>', 'also render the dot graph to this SVG file with Graphviz\'s `dot` (must be installed)')
    .addHelpText('after', `
Arrows point from a service to what it needs: A -> B means B is started first. Dashed arrows are bundle
membership; bold arrows join a daemon to its logger. Boxes are oneshots, ellipses longruns, folders
bundles.
${SOURCES_HELP}`)
    .action(async (paths: string[], opts: Opts) => {
      const { renderGraph } = await import('../../graph/render.js');
      const { printDiagnostics } = await import('../report.js');
      if (opts.format !== 'dot' && opts.format !== 'mermaid') {
        process.stderr.write(`s6migrate graph: --format must be dot or mermaid, not ${JSON.stringify(opts.format)}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      let tree;
      let diagnostics;
      if (opts.in !== undefined) {
        const { existsSync } = await import('node:fs');
        if (!existsSync(opts.in)) {
          process.stderr.write(`s6migrate graph: ${opts.in}: no such directory\n`);
          process.exitCode = EXIT_USAGE;
          return;
        }
        ({ tree, diagnostics } = (await import('../../s6rc/read-tree.js')).readTree(opts.in));
      } else {
        ({ tree, diagnostics } = (await import('../../pipeline.js')).scanHost({ paths, root: opts.root, ...(opts.init ? { init: opts.init } : {}) }));
      }
      const text = renderGraph(tree, opts.format);
      process.stdout.write(text);
      printDiagnostics(diagnostics.filter((d) => d.severity === 'error'));
      if (opts.svg !== undefined) {
        const dot = opts.format === 'dot' ? text : renderGraph(tree, 'dot');
        const { spawnSync } = await import('node:child_process');
        const r = spawnSync('dot', ['-Tsvg', '-o', opts.svg], { input: dot, encoding: 'utf8' });
        if (r.error || r.status !== 0) {
          process.stderr.write(`s6migrate graph: cannot render SVG: ${r.error ? 'Graphviz `dot` is not installed (Debian: apt-get install graphviz)' : r.stderr}\n`);
          process.exitCode = EXIT_USAGE;
          return;
        }
      }
      process.exitCode = diagnostics.some((d) => d.severity === 'error') ? EXIT_ATTENTION : EXIT_OK;
    });
}
