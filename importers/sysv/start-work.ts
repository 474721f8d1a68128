/**
 * Work an init script does at start besides starting the daemon, which a supervised longrun would skip:
 * directories and files it makes or hands over (`mkdir`, `install -d`, `chown`, `chmod`, `touch`, `ln`),
 * keys it generates, and the daemon run with other arguments (a configuration test such as `sshd -t`).
 * Read statically like the rest of the script: every such command outside a stop/status/reload function,
 * with its argv when each word is known and comes from the script itself (a value the defaults file sets
 * may change before the next start, so it is not frozen here).
 */
import type { Origin, StartWork } from '../../src/model/service.js';
import type { ShellEnv } from './shell-vars.js';
import { plainText, simpleCommands, type SimpleCommand } from './shell-lines.js';
import { expandWord } from './shell-words.js';

/** Programs that change the file system or make keys: the script's preparation for the daemon. */
const WORK_PROGRAMS = new Set(['mkdir', 'install', 'chown', 'chgrp', 'chmod', 'touch', 'ln', 'mknod', 'ssh-keygen', 'checkpath', 'mount']);
/** Functions only used to stop, reload or report. */
const NOT_START = /stop|status|reload|force|usage|log_/i;

export function findStartWork(text: string, file: string, env: ShellEnv, daemons: readonly string[]): StartWork[] {
  const out: StartWork[] = [];
  for (const cmd of simpleCommands(text).commands) {
    if ((cmd.inFunction !== undefined && NOT_START.test(cmd.inFunction)) || cmd.notAtStart || cmd.pipedOut) continue;
    const head = commandHead(cmd, env);
    if (head === undefined) continue;
    const base = head.slice(head.lastIndexOf('/') + 1);
    const isDaemon = daemons.includes(head);
    if (!WORK_PROGRAMS.has(base) && !isDaemon) continue;
    const origin: Origin = { file, line: cmd.line };
    const raw = cmd.words.map((w) => w.raw).join(' ');
    const argv = knownArgv(cmd, env, file);
    out.push(argv ? { text: raw, argv, origin } : { text: raw, origin });
  }
  return out;
}

/** The program a command runs (its first word expanded), when known. */
function commandHead(cmd: SimpleCommand, env: ShellEnv): string | undefined {
  const first = cmd.words[0];
  if (!first) return undefined;
  const plain = plainText(first.parts);
  if (plain !== undefined) return plain;
  const e = expandWord(first.parts, env.lookup, true);
  return e.unresolved || e.fields.length !== 1 ? undefined : e.fields[0];
}

/** The argv, when every word expands to known text from the script's own assignments. */
function knownArgv(cmd: SimpleCommand, env: ShellEnv, file: string): string[] | undefined {
  const argv: string[] = [];
  for (const w of cmd.words) {
    for (const p of w.parts) {
      if (p.kind === 'opaque') return undefined;
      if (p.kind === 'param') {
        const v = env.vars.get(p.name);
        if (!v || v.unresolved || v.origin.file !== file || p.op !== undefined) return undefined;
      }
    }
    const e = expandWord(w.parts, env.lookup, true);
    if (e.unresolved) return undefined;
    argv.push(...e.fields);
  }
  return argv;
}
