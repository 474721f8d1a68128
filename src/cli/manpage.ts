/**
 * s6migrate(1), generated from the same commander definitions that print `--help`, so the two never
 * disagree. Written to docs/s6migrate.1 by the build; a test keeps the committed copy current.
 */
import type { Command, Option } from 'commander';

function esc(text: string): string {
  // roff: backslashes and leading dots/quotes would be read as requests.
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? '\\&' + l : l))
    .join('\n');
}

function optionLines(options: readonly Option[]): string[] {
  const out: string[] = [];
  for (const o of options) {
    out.push('.TP', `.B ${esc(o.flags)}`);
    let text = o.description;
    if (o.defaultValue !== undefined && o.defaultValue !== false) text += ` (default: ${String(o.defaultValue)})`;
    out.push(esc(text));
  }
  return out;
}

export function renderManPage(program: Command): string {
  const out: string[] = [
    '.\\" Generated from the --help definitions (src/cli/manpage.ts); do not edit by hand.',
    '.TH S6MIGRATE 1 "" "s6migrate" "User Commands"',
    '.SH NAME',
    `s6migrate \\- ${esc(program.description())}`,
    '.SH SYNOPSIS',
    '.B s6migrate',
    '.I command',
    '[\\fIoptions\\fR] [\\fIarguments\\fR]',
    '.SH DESCRIPTION',
    esc(
      's6migrate reads a host\'s init scripts (sysvinit, OpenRC) and systemd units without running them, ' +
        'writes an s6-rc source directory in which every script first becomes a oneshot wrapper, and then ' +
        'upgrades services one at a time into supervised longruns with an s6-log pipeline. Every tree it ' +
        'writes passes a validator that mirrors s6-rc-compile.',
    ),
    '.SH COMMANDS',
  ];
  for (const cmd of program.commands) {
    if (cmd.name() === 'help') continue;
    const args = cmd.registeredArguments
      .map((a) => (a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`))
      .join(' ');
    out.push('.SS', `.B s6migrate ${esc(cmd.name())} ${esc(args)}`.trimEnd());
    out.push(esc(cmd.description()));
    const help = (cmd as Command & { _helpText?: string }).summary();
    if (help) out.push('.PP', esc(help));
    if (cmd.options.length > 0) out.push('.RS', ...optionLines(cmd.options), '.RE');
  }
  out.push(
    '.SH EXIT STATUS',
    '.TP', '.B 0', 'Done: everything asked for was done.',
    '.TP', '.B 1', esc('Done, but some services need attention: they were not converted or upgraded, or a check failed. The reasons are printed.'),
    '.TP', '.B 2', esc('Usage or environment error (bad option, missing tool, output exists without --force): nothing was changed.'),
    '.TP', '.B 3', esc('apply, rollback: timed out. s6-rc-update or bringing services up did not finish within --timeout; the current symlink and the live database name the same database, and the message says what is still down and how to start it.'),
    '.SH ENVIRONMENT',
    '.TP', '.B NO_COLOR', esc('When set to a non-empty value, output has no colour (colour is only used on a terminal anyway).'),
    '.SH FILES',
    '.TP', '.I OUT/.s6migrate/', esc('Migration state inside an output tree: model.json (what was imported) and state.json (what was upgraded). s6-rc-compile ignores dot-directories.'),
    '.SH SEE ALSO',
    esc('s6-rc-compile(8), s6-rc(8), s6-rc-update(8), s6-svscan(8), s6-log(8), execlineb(1). Documentation: docs/ in the source tree.'),
  );
  return out.join('\n') + '\n';
}
