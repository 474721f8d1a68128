import type { Command } from 'commander';
import type { Opts } from '../actions/upgrade.js';

export function register(program: Command): void {
  program
    .command('upgrade')
    .description('Turn services into supervised longruns that run the daemon in the foreground, by default as a pipeline NAME-srv -> NAME-log (s6-log)')
    .argument('<name...>', 'services to upgrade: names from .s6migrate/model.json that are still as convert made them, a oneshot wrapper or an unlogged longrun (see `s6migrate status`)')
    .requiredOption('--in <dir>', 'the s6-rc source directory written by `s6migrate convert`; changed in place, and only if the result passes the same validator as `check`')
    .option('--yes', 'accept a low-confidence proposal (the foreground command was guessed: unresolved variables, sources that disagree, a relative program path, systemd-only options); without it such a service is refused and the proposed command is printed. Refusals without a proposal (no command found, a numeric user) are not overridden')
    .option('--log-dir <dir>', 'absolute directory under which each service logs: s6-log writes DIR/NAME/current, with TAI64N time stamps, rotated at 1 MiB, 10 old files kept', '/var/log/s6migrate')
    .option('--log-user <account>', 'run s6-log as this account; the log run script then creates DIR/NAME and chowns it to that account (default: s6-log runs as root)')
    .option('--no-log', 'no log pipeline: the service becomes one longrun named NAME, and its output goes wherever the supervision tree sends it (s6-svscan\'s own stdout/stderr, usually the catch-all logger)')
    .option('--command <cmdline>', 'the foreground command line, replacing what the sources say (one service only); split into words like sh does (quotes group words), no operators, redirections or globs; words are passed literally, so $X is not expanded (wrap in /bin/sh -c \'...\' for that); give an absolute program path: the supervision tree\'s PATH is minimal')
    .option('--user <account>', 'run the daemon as this account instead of the one the source names: NAME (its own groups), NAME:GROUP, or UID:GID with both numeric (set without a lookup); a numeric uid alone is refused, since s6-setuidgid would look it up as a name; `root` keeps root')
    .option('--json', 'print {results, diagnostics} as JSON: per service the command, evidence, confidence, and what was and was not carried over')
    .addHelpText('after', `
The foreground command comes from, in this order: --command; an OpenRC script with supervisor=s6 or
supervise-daemon, command_background=yes or command_args_foreground; a systemd unit of Type=simple, exec,
notify, ...; start-stop-daemon --background; a table of well-known daemons and their foreground flags.
Carried over: user and group, environment and environment files, working directory, umask, limits,
nice level, stop signal (down-signal), stop timeout (timeout-kill), readiness where s6 can express it.
What is not carried over is printed as a note. Undo with \`s6migrate downgrade NAME --in DIR\`.

Exit codes: 0 every service upgraded (or already was), 1 some service was refused or the result failed
validation (nothing is written then), 2 usage error.`)
    .action(async (names: string[], opts: Opts) => {
      const { runUpgrade } = await import('../actions/upgrade.js');
      process.exitCode = await runUpgrade(names, opts);
    });
}
