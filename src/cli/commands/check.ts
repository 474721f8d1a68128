import type { Command } from 'commander';
import { EXIT_ATTENTION, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';

export function register(program: Command): void {
  program
    .command('check')
    .description('Validate an s6-rc source directory: accepts exactly what s6-rc-compile 0.5.4.x accepts.')
    .argument('<dir>', 'the s6-rc source directory (one subdirectory per service definition)')
    .option('--compile', 'also run the real s6-rc-compile into a temporary directory (needs s6-rc on PATH)')
    .option('--json', 'print {ok, diagnostics[, compile]} as JSON on stdout instead of text on stderr')
    .addHelpText('after', `
Exit codes: 0 the tree compiles, 1 it does not (each problem is reported with file, line and the
s6-rc-compile message it corresponds to), 2 usage error (DIR missing, or --compile without s6-rc-compile).`)
    .action(async (dir: string, opts: { compile?: boolean; json?: boolean }) => {
      const { statSync } = await import('node:fs');
      let isDir = false;
      try {
        isDir = statSync(dir).isDirectory();
      } catch {
        isDir = false;
      }
      if (!isDir) {
        process.stderr.write(`s6migrate check: ${dir}: not a directory\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      const { checkTree, compileWithS6rc } = await import('../../check/index.js');
      const { printDiagnostics, printJson } = await import('../report.js');
      const result = checkTree(dir);
      let compile: ReturnType<typeof compileWithS6rc> | undefined;
      if (opts.compile) {
        compile = compileWithS6rc(dir);
        if (!compile.available) {
          process.stderr.write('s6migrate check: --compile needs s6-rc-compile on PATH; install s6-rc (no Debian package for bookworm: build s6-rc 0.5.4.1 from https://skarnet.org/software/s6-rc/ against skalibs-dev, libexecline-dev and libs6-dev)\n');
          process.exitCode = EXIT_USAGE;
          return;
        }
      }
      const ok = result.ok && (compile ? compile.ok : true);
      if (opts.json) {
        await printJson(compile ? { ok, diagnostics: result.diagnostics, compile: { ok: compile.ok, output: compile.output, compiler: compile.compiler, s6rc: compile.version } } : { ok, diagnostics: result.diagnostics });
      } else {
        printDiagnostics(result.diagnostics);
        if (compile) {
          process.stderr.write(compile.output);
          if (compile.ok !== result.ok) {
            process.stderr.write(`s6migrate check: s6-rc-compile ${compile.ok ? 'accepted' : 'rejected'} the tree but the validator ${result.ok ? 'accepted' : 'rejected'} it; please report this\n`);
          }
        }
        process.stderr.write(`${dir}: ${ok ? 'valid' : 'invalid'}${compile ? ` (s6-rc ${compile.version} s6-rc-compile ${compile.compiler}: ${compile.ok ? 'ok' : 'failed'})` : ''}\n`);
      }
      process.exitCode = ok ? EXIT_OK : EXIT_ATTENTION;
    });
}
