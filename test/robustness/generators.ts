/**
 * fast-check generators for hostile importer input: init scripts with LSB headers and start-stop-daemon
 * calls, OpenRC scripts with depend() and conf.d, systemd units with drop-ins, and a byte-level mutator
 * for real files. Built from fragments of the real syntax so the parsers get past their first line.
 */
import fc from 'fast-check';

/** Characters that break shell, header and unit syntax most often. */
export const NASTY_CHARS = ['"', "'", '\\', '{', '}', '$', '\n', '#', '=', ':', ';', '`', '(', ')', '[', ']', '%', '\t', '\r', ' ', '-', 'é', '\u2028', '\uFEFF', '😀'];

/** A short random string over an alphabet that mixes ordinary and special characters. */
export const junk = (maxLength = 12) =>
  fc.string({ unit: fc.constantFrom(...NASTY_CHARS, 'a', 'b', 'x', '0', '/', '.', '_', '@', '*', '+', '|', '&', '<', '>'), maxLength });

const longLine = fc.integer({ min: 1000, max: 20000 }).map((n) => 'x'.repeat(n));

/** Joins lines with LF or CRLF, sometimes without a final newline, sometimes with a BOM. */
export const joinLines = (lines: fc.Arbitrary<string[]>) =>
  fc.tuple(lines, fc.constantFrom('\n', '\r\n', '\n', '\n'), fc.boolean(), fc.boolean()).map(([ls, nl, finalNl, bom]) => (bom ? '\uFEFF' : '') + ls.join(nl) + (finalNl ? nl : ''));

/** File names for services: ordinary, with dots, unicode, spaces, leading dash; never `/`, `.` or `..`. */
export const serviceFileName = fc
  .string({ unit: fc.constantFrom('a', 'b', 'z', '1', '-', '_', '.', '@', 'é', ' ', '+', ':', '~', '😀', '\\', '$', '\n'), minLength: 1, maxLength: 10 })
  .filter((n) => n !== '.' && n !== '..');

/** Mutations a file might suffer: delete, duplicate or insert a character at a position. */
export type Mutation = { op: 'del' | 'dup' | 'ins'; at: number; ch: string };
export const mutations = (max = 8) =>
  fc.array(
    fc.record({ op: fc.constantFrom<'del' | 'dup' | 'ins'>('del', 'dup', 'ins'), at: fc.nat(), ch: fc.constantFrom('"', "'", '\\', '{', '}', '$', '\n', '#', '=', '[', ']', '%', ';', '\t', '\r', ' ', 'é', '%') }),
    { maxLength: max },
  );

export function mutate(text: string, muts: readonly Mutation[]): string {
  let t = text;
  for (const m of muts) {
    const at = t.length === 0 ? 0 : m.at % (t.length + 1);
    if (m.op === 'del') t = t.slice(0, at) + t.slice(at + 1);
    else if (m.op === 'dup') t = t.slice(0, at) + t.slice(at, at + 1) + t.slice(at);
    else t = t.slice(0, at) + m.ch + t.slice(at);
  }
  return t;
}

// ---------- sysvinit ----------

const LSB_FIELDS = ['Provides', 'Required-Start', 'Required-Stop', 'Should-Start', 'Should-Stop', 'Default-Start', 'Default-Stop', 'Short-Description', 'Description', 'X-Start-Before', 'X-Stop-After', 'X-Interactive', 'X-Start-Before', 'X-Foo'];
const LSB_VALUES = ['$network', '$remote_fs', '$syslog', '$local_fs', '$named', '$time', '$all', '2 3 4 5', '0 1 6', 'S', 'foo bar', 'true', '$portmap', '$x-display-manager', '+', ''];

const lsbLine = fc.oneof(
  fc.tuple(fc.constantFrom(...LSB_FIELDS), fc.constantFrom(':', ': ', ':\t', '::', ' :', ''), fc.array(fc.oneof(fc.constantFrom(...LSB_VALUES), junk()), { maxLength: 4 }))
    .map(([f, sep, vs]) => `# ${f}${sep}${vs.join(' ')}`),
  junk(20).map((j) => `#${j}`),
  fc.constantFrom('#  continuation of description', '#\tindented', '# : stray', ':', '#', ''),
  longLine.map((l) => `# Description: ${l}`),
  junk(8).map((j) => `# ${j}: ${j}`),
);

export const lsbHeader = fc
  .tuple(fc.array(lsbLine, { maxLength: 10 }), fc.constantFrom('### END INIT INFO', '', '### END INIT', '## END INIT INFO'), fc.boolean())
  .map(([lines, end, begin]) => [begin ? '### BEGIN INIT INFO' : '### BEGIN INIT INFO ', ...lines, end]);

const SSD_WORDS = ['--start', '-S', '--stop', '--exec', '-x', '--startas', '-a', '--pidfile', '-p', '--chuid', '-c', '--group', '-g', '--background', '-b', '--make-pidfile', '-m', '--chdir', '-d', '--umask', '-k', '--name', '-n', '--user', '-u', '--nicelevel', '-N', '--chroot', '-r', '--notify-await', '--oknodo', '-o', '--quiet', '-q', '--', '$DAEMON', '"$DAEMON"', '$DAEMON_OPTS', '"$DAEMON_OPTS"', '${DAEMON_OPTS:-}', "'a b'", '"a b"', '"unterminated', "'unterminated", 'a\\', '\\"', '\\\\', '$(cat /x)', '`id`', ';', '||', 'exit 0', '\\\n', '/usr/sbin/d', '/var/run/$NAME.pid', '"$PIDFILE"', '--exec=/bin/x', '--pidfile=', '-x/bin/y', '>/dev/null', '2>&1', '&&', '{', '}', '#', 'é'];

const ssdLine = fc
  .tuple(fc.constantFrom('start-stop-daemon', '\tstart-stop-daemon', 'start_daemon', '/sbin/start-stop-daemon', 'if start-stop-daemon'), fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SSD_WORDS) }, { weight: 1, arbitrary: junk(6) }), { maxLength: 14 }))
  .map(([cmd, ws]) => [cmd, ...ws].join(' '));

const shellLine = fc.oneof(
  { weight: 3, arbitrary: ssdLine },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('DAEMON', 'NAME', 'PIDFILE', 'DAEMON_OPTS', 'DESC', 'USER', 'X'), fc.oneof(fc.constantFrom('/usr/sbin/d', '"a b"', "'c d'", '${NAME}', '$NAME.pid', '"${A:-${B}}"', '"unterminated', '$(x)', ''), junk())).map(([k, v]) => `${k}=${v}`) },
  { weight: 1, arbitrary: fc.constantFrom('. /lib/lsb/init-functions', '[ -r /etc/default/$NAME ] && . /etc/default/$NAME', '. /etc/default/x', 'case "$1" in', 'start)', ';;', 'esac', 'exit 0', 'set -e', 'test -x $DAEMON || exit 0', 'do_start() {', '}', 'export FOO=bar', 'if [ x ]; then', 'fi', '. "$0"') },
  { weight: 1, arbitrary: junk(30) },
  { weight: 1, arbitrary: longLine },
);

export const sysvScript = joinLines(
  fc
    .tuple(fc.constantFrom('#!/bin/sh', '#! /bin/sh -e', '#!/bin/bash', '#!/usr/bin/perl', '#!/lib/init/init-d-script', '', '#!'), fc.option(lsbHeader, { nil: undefined }), fc.array(shellLine, { maxLength: 12 }))
    .map(([shebang, header, body]) => [shebang, ...(header ?? []), ...body]),
);

export const shellDefaults = joinLines(fc.array(shellLine, { maxLength: 6 }));

// ---------- OpenRC ----------

const OPENRC_VARS = ['command', 'command_args', 'pidfile', 'command_background', 'supervisor', 'command_user', 'description', 'name', 'start_stop_daemon_args', 'output_log', 'error_log', 'directory', 'umask', 'rc_ulimit', 'retry', 'extra_commands', 'command_args_background', 'rc_need', 'rc_use', 'rc_after', 'chroot'];
const OPENRC_VALUES = ['/usr/sbin/d', '"-f -x"', "'a b'", '"${a:-${b}}"', '${a:-${b:-${c}}}', '"${RC_SVCNAME}"', '${SVCNAME}.pid', '$((1+2))', '"unterminated', "'unterminated", '${a', '${a:?}', '${#a}', '${a/b/c}', '"$@"', 'yes', 's6', 'supervise-daemon', 'nobody:nogroup', '`x`', '$(y)', '\\', ''];

const assign = fc.tuple(fc.constantFrom(...OPENRC_VARS), fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...OPENRC_VALUES) }, { weight: 1, arbitrary: junk() }), fc.constantFrom('', 'export ', ': ${', 'local '))
  .map(([k, v, pre]) => (pre === ': ${' ? `: \${${k}:=${v}}` : `${pre}${k}=${v}`));

const DEPEND_WORDS = ['need', 'use', 'want', 'after', 'before', 'provide', 'keyword', 'config', 'net', 'localmount', 'logger', 'dns', '*', '-docker', '-lxc', '-shutdown', 'net.eth0', '$x', '"q"', '{', '}', '"', "'", ';', '&&', 'if', 'then', 'fi', '\\'];
const dependBody = fc.array(fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...DEPEND_WORDS) }, { weight: 1, arbitrary: junk(6) }), { maxLength: 6 }).map((ws) => `\t${ws.join(' ')}`), { maxLength: 6 });

const openrcBlock = fc.oneof(
  { weight: 3, arbitrary: assign.map((a) => [a]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('depend() {', 'depend()\n{', 'depend () {', 'function depend {', 'depend() {{'), dependBody, fc.constantFrom('}', '', '}}', ' }', '"}')).map(([o, b, c]) => [o, ...b, c]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('start', 'stop', 'start_pre', 'reload', 'checkconfig', 'x'), fc.array(fc.oneof(assign, junk(20)), { maxLength: 4 }), fc.constantFrom('}', '')).map(([f, b, c]) => [`${f}() {`, ...b.map((x) => `\t${x}`), c]) },
  { weight: 1, arbitrary: junk(30).map((j) => [j]) },
  { weight: 1, arbitrary: fc.constantFrom(['if [ x ]; then', 'command=/a', 'else', 'command=/b', 'fi'], ['case $x in', 'a) command=/c;;', 'esac'], ['cat <<EOF', 'here $x', 'EOF'], ['cat <<EOF', 'never ended']) },
);

export const openrcScript = joinLines(
  fc.tuple(fc.constantFrom('#!/sbin/openrc-run', '#!/usr/sbin/openrc-run', '#!/sbin/runscript', '#! /sbin/openrc-run', '#!/sbin/openrc-run\r'), fc.array(openrcBlock, { maxLength: 8 }))
    .map(([sb, blocks]) => [sb, ...blocks.flat()]),
);

export const confD = joinLines(fc.array(fc.oneof({ weight: 3, arbitrary: assign }, { weight: 1, arbitrary: junk(20) }), { maxLength: 6 }));

// ---------- systemd ----------

const UNIT_KEYS: Record<string, string[]> = {
  Unit: ['Description', 'Requires', 'Wants', 'After', 'Before', 'BindsTo', 'Conflicts', 'Requisite', 'PartOf', 'Documentation', 'ConditionPathExists', 'DefaultDependencies'],
  Service: ['Type', 'ExecStart', 'ExecStartPre', 'ExecStartPost', 'ExecStop', 'ExecStopPost', 'ExecReload', 'User', 'Group', 'Environment', 'EnvironmentFile', 'WorkingDirectory', 'RootDirectory', 'Restart', 'RemainAfterExit', 'PIDFile', 'TimeoutStartSec', 'TimeoutStopSec', 'TimeoutSec', 'KillSignal', 'LimitNOFILE', 'LimitCORE', 'UMask', 'Nice', 'StandardOutput'],
  Install: ['WantedBy', 'RequiredBy', 'Alias', 'Also', 'DefaultInstance'],
  Socket: ['ListenStream', 'Accept', 'Service'],
  Timer: ['OnCalendar', 'Unit'],
};
const UNIT_VALUES = ['/usr/bin/d -f', '-/usr/bin/d', '@/usr/bin/d d', '+/bin/x', '!!/bin/y', ':/bin/z $X', '/bin/sh -c "echo hi; exit 1"', '"/bin/unterminated', "'/bin/x' 'y", '/bin/x \\', '/bin/x ;', '/bin/x ; /bin/y', '/bin/x %i %I %n %N %p %H %%', '/bin/x %', '%', '%Z', '%i', 'network.target', 'foo@%i.service', 'multi-user.target', 'simple', 'forking', 'oneshot', 'notify', 'bogus', 'yes', 'no', 'infinity', '10', '5min 3s', '1h', 'SIGTERM', 'HUP', '9', '0022', 'A=1 "B=2 3"', '"A=unterminated', '-/etc/default/x', 'nobody', '~', '${X}', '$X', '$$', '\\x41', '\\u00e9', '\\', ''];

const unitAssignment = (section: string) =>
  fc.tuple(
    fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...(UNIT_KEYS[section] ?? UNIT_KEYS.Service!)) }, { weight: 1, arbitrary: junk(8) }),
    fc.constantFrom('=', ' = ', '=', '\t=\t', '=='),
    fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...UNIT_VALUES) }, { weight: 1, arbitrary: junk(10) }), { maxLength: 3 }),
  ).map(([k, eq, vs]) => `${k}${eq}${vs.join(' ')}`);

const unitSection = fc.constantFrom('Unit', 'Service', 'Install', 'Socket', 'Timer', 'X-Custom', 'unit', 'Service ').chain((sec) =>
  fc.tuple(
    fc.constantFrom(`[${sec}]`, `[${sec}`, ` [${sec}] `, `[${sec}]]`),
    fc.array(fc.oneof({ weight: 6, arbitrary: unitAssignment(sec.trim()) }, { weight: 1, arbitrary: fc.constantFrom('# comment \\', '; comment', '', ' \\', 'novalue', '=orphan') }, { weight: 1, arbitrary: junk(20) }, { weight: 1, arbitrary: longLine.map((l) => `Description=${l}`) }), { maxLength: 8 }),
  ).map(([h, body]) => [h, ...body]),
);

export const unitFile = joinLines(
  fc.tuple(fc.array(unitSection, { maxLength: 4 }), fc.constantFrom('', 'ExecStart=/bin/x \\', '\\', 'Description=%')).map(([secs, tail]) => [...secs.flat(), ...(tail ? [tail] : [])]),
);

export const unitName = fc
  .tuple(
    fc.string({ unit: fc.constantFrom('a', 'b', '-', '_', '.', '\\', ':', 'é', '1', 'x'), minLength: 1, maxLength: 8 }),
    fc.constantFrom('.service', '.service', '.target', '.socket', '.timer', '@.service', '@inst.service', '@.target', '.mount', '.bogus', ''),
  )
  .map(([b, t]) => b + t)
  // `.` and `..` name the directory itself: no file can have them (the harness could not write one).
  .filter((n) => n !== '.' && n !== '..');

// ---------- near-valid inputs: real structure, hostile values (reach the deeper stages of a reader) ----------

const lsbValue = fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...LSB_VALUES) }, { weight: 1, arbitrary: junk(6) }), { maxLength: 3 }).map((v) => v.join(' '));

/** A Debian-style script whose header and start-stop-daemon call have random values. */
export const structuredSysvScript = joinLines(
  fc
    .record({
      fields: fc.array(fc.tuple(fc.constantFrom(...LSB_FIELDS), lsbValue), { maxLength: 8 }),
      assigns: fc.array(fc.tuple(fc.constantFrom('DAEMON', 'NAME', 'PIDFILE', 'DAEMON_OPTS', 'DAEMON_ARGS', 'USER'), fc.oneof(fc.constantFrom('/usr/sbin/d', '"a b"', "'c d'", '${NAME}', '"$NAME.pid"', '"${A:-${B}}"', '"-f --x=\\"y\\""'), junk())), { maxLength: 4 }),
      ssd: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SSD_WORDS) }, { weight: 1, arbitrary: junk(6) }), { maxLength: 10 }),
    })
    .map(({ fields, assigns, ssd }) => [
      '#!/bin/sh',
      '### BEGIN INIT INFO',
      ...fields.map(([f, v]) => `# ${f}: ${v}`),
      '### END INIT INFO',
      ...assigns.map(([k, v]) => `${k}=${v}`),
      '[ -r /etc/default/$NAME ] && . /etc/default/$NAME',
      'case "$1" in',
      '  start)',
      `    start-stop-daemon --start --quiet --exec $DAEMON ${ssd.join(' ')}`,
      '    ;;',
      'esac',
    ]),
);

const execValue = fc
  .tuple(fc.constantFrom('', '-', '@', '+', '!', '!!', ':', '-@', '@-'), fc.constantFrom('/usr/bin/d', '/bin/sh', 'relative', '/bin/x%', '/bin/%n', ''), fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...UNIT_VALUES) }, { weight: 1, arbitrary: junk(8) }), { maxLength: 4 }))
  .map(([p, exe, args]) => [p + exe, ...args].join(' '));

/** A unit with the usual sections and keys, every value random. */
export const structuredUnit = joinLines(
  fc
    .record({
      unit: fc.array(fc.tuple(fc.constantFrom(...UNIT_KEYS.Unit!), fc.oneof(fc.constantFrom(...UNIT_VALUES), junk())), { maxLength: 5 }),
      type: fc.constantFrom('simple', 'forking', 'oneshot', 'notify', 'exec', 'dbus', 'idle', 'bogus', ''),
      exec: fc.array(fc.tuple(fc.constantFrom('ExecStart', 'ExecStartPre', 'ExecStartPost', 'ExecStop', 'ExecReload', 'ExecStopPost'), execValue), { minLength: 1, maxLength: 4 }),
      service: fc.array(fc.tuple(fc.constantFrom(...UNIT_KEYS.Service!), fc.oneof(fc.constantFrom(...UNIT_VALUES), junk())), { maxLength: 6 }),
      install: fc.array(fc.tuple(fc.constantFrom(...UNIT_KEYS.Install!), fc.oneof(fc.constantFrom('multi-user.target', 'graphical.target', 'x@%i.service', 'alias.service', '%', ''), junk())), { maxLength: 3 }),
    })
    .map(({ unit, type, exec, service, install }) => [
      '[Unit]',
      ...unit.map(([k, v]) => `${k}=${v}`),
      '[Service]',
      `Type=${type}`,
      ...exec.map(([k, v]) => `${k}=${v}`),
      ...service.map(([k, v]) => `${k}=${v}`),
      '[Install]',
      ...install.map(([k, v]) => `${k}=${v}`),
    ]),
);
