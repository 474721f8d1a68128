/**
 * Static evaluation does not guess: what an init script or an OpenRC script sets under a condition, or
 * only at run time, is unknown, and `upgrade --yes` never writes the script's text in place of a value.
 * A test of a second argument (`[ -n "$2" ]`) is known false when init starts the script (`NAME start`),
 * as in the real ssh script, whose $SSHD_OPTS then stays live from /etc/default/ssh.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importOpenrc } from '../../importers/openrc/index.js';
import { importSysv } from '../../importers/sysv/index.js';
import type { Service, SysvEvidence } from '../../src/model/service.js';
import { oneshotWorkspace } from './build.js';
import { propose, upgrade } from '../../src/upgrade/upgrade.js';

const corpus = resolve(process.env.S6M_CORPUS ?? '.cache/corpus');
const work = mkdtempSync(join(tmpdir(), 's6m-unknown-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;


function script(body: string, defaults?: string): Service {
  const root = join(work, `h${n++}`);
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  mkdirSync(join(root, 'etc/default'), { recursive: true });
  writeFileSync(join(root, 'etc/init.d/food'), `#!/bin/sh\n### BEGIN INIT INFO\n# Provides: food\n# Default-Start: 2 3 4 5\n### END INIT INFO\n${body}`);
  if (defaults !== undefined) writeFileSync(join(root, 'etc/default/food'), defaults);
  return importSysv({ root, files: [join(root, 'etc/init.d/food')] }).services[0]!;
}

function openrcScript(body: string): Service {
  const root = join(work, `o${n++}`);
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  writeFileSync(join(root, 'etc/init.d/food'), `#!/sbin/openrc-run\n${body}`);
  return importOpenrc({ root, files: [join(root, 'etc/init.d/food')] }).services[0]!;
}

const START = 'start-stop-daemon --start --background --exec /usr/sbin/food --';
const args = (s: Service) => (s.sources[0] as SysvEvidence).ssdStarts[0]!;

describe('init scripts', () => {
  it('`[ "$x" ] && OPTS=...` and an if branch make the variable unknown; --yes refuses', () => {
    for (const body of [
      `. /etc/default/food\nOPTS=-q\n[ "$VERBOSE" = yes ] && OPTS=-v\n${START} $OPTS\n`,
      `. /etc/default/food\nif [ "$PAM" = yes ]; then OPTS="--pam"; fi\n${START} $OPTS\n`,
      `. /etc/default/food\ncase "$MODE" in fast) OPTS=--fast ;; esac\n${START} $OPTS\n`,
    ]) {
      const s = script(body, 'VERBOSE=no\nPAM=no\nMODE=slow\n');
      expect(args(s).unresolved, body).toBe(true);
      const r = upgrade(oneshotWorkspace(s), 'food', { log: false }, true);
      expect(r.ok, body).toBe(false);
      if (!r.ok) expect(r.code).toBe('unresolved-arguments');
    }
  });

  it('the same value both ways, or an unconditional assignment, stays known', () => {
    const s = script(`OPTS=-q\n[ -r /etc/food.conf ] && OPTS=-q\n${START} $OPTS\n`);
    expect(args(s)).toMatchObject({ args: ['-q'], unresolved: false });
  });

  it('an unknown --pidfile (nginx reads it from its config with $(...)) does not make the run unknown', () => {
    const s = script(`PID=$(awk '/pid/ {print $2}' /etc/food.conf)\nstart-stop-daemon --start --pidfile $PID --background --exec /usr/sbin/food -- -q\n`);
    expect(args(s)).toMatchObject({ args: ['-q'], unresolved: false });
  });

  it('a program chosen under a condition is refused (unresolved-command)', () => {
    const s = script(`DAEMON=/usr/sbin/food\nif [ -x /usr/sbin/food-pam ]; then DAEMON=/usr/sbin/food-pam; fi\nstart-stop-daemon --start --exec $DAEMON\n`);
    const r = upgrade(oneshotWorkspace(s), 'food', { log: false }, true);
    expect(r.ok ? 'ok' : r.code).toBe('unresolved-command');
  });

  it('runtime-only values ($(id -u food)) are never written by --yes, nor offered to the wizard\'s Accept', () => {
    const s = script(`${START} --uid $(id -u food)\n`);
    const r = upgrade(oneshotWorkspace(s), 'food', { log: false }, true);
    expect(r.ok ? 'ok' : r.code).toBe('unresolved-arguments');
    const p = propose(oneshotWorkspace(s), 'food', { log: false });
    expect(p.ok ? 'ok' : p.code).toBe('unresolved-arguments');
    // The command given by the user is taken as it is.
    const given = propose(oneshotWorkspace(s), 'food', { log: false, command: ['/usr/sbin/food', '--uid', '108'] });
    expect(given.ok && given.proposal.fg.argv).toEqual(['/usr/sbin/food', '--uid', '108']);
  });

  it('$XDG_RUNTIME_DIR is unknown, not empty (set by a login session, not at boot)', () => {
    const s = script(`${START} --socket $XDG_RUNTIME_DIR/food.sock\n`);
    expect(args(s).unresolved).toBe(true);
    const o = openrcScript('command=/usr/sbin/food\ncommand_background=yes\ncommand_args="--socket $XDG_RUNTIME_DIR/food.sock"\n');
    const r = upgrade(oneshotWorkspace(o), 'food', { log: false }, true);
    expect(r.ok ? 'ok' : r.code).toBe('unresolved-arguments');
  });

  it('`if [ -n "$2" ]` is not taken when init starts the script', () => {
    const s = script(`OPTS=-q\nif [ -n "$2" ]; then\n  OPTS="$OPTS $2"\nfi\n[ -n "$3" ] && OPTS=-x\n${START} $OPTS\n`);
    expect(args(s)).toMatchObject({ args: ['-q'], unresolved: false });
  });

  it.skipIf(!existsSync(join(corpus, 'openssh-server')))('the real ssh script: $SSHD_OPTS stays live from /etc/default/ssh', () => {
    const root = join(corpus, 'openssh-server');
    const s = importSysv({ root, files: [join(root, 'etc/init.d/ssh')] }).services[0]!;
    expect(args(s).unresolved).toBe(false);
    expect(args(s).liveArgs?.words).toEqual([{ raw: '$SSHD_OPTS', fields: 0, live: true }]);
  });
});

describe('OpenRC', () => {
  it('command_args set under a condition is unknown; --yes refuses', () => {
    const s = openrcScript(`command=/usr/sbin/food\ncommand_background=yes\ncommand_args="-q"\nif [ -n "$FOOD_VERBOSE" ]; then command_args="-v"; fi\n`);
    expect(s.sources[0]!.format === 'openrc' && s.sources[0]!.vars['command_args']?.unresolved).toBe(true);
    const r = upgrade(oneshotWorkspace(s), 'food', { log: false }, true);
    expect(r.ok ? 'ok' : r.code).toBe('unresolved-arguments');
  });

  it('an unconditional command_args is used as it is', () => {
    const s = openrcScript(`command=/usr/sbin/food\ncommand_background=yes\ncommand_args="-q"\n`);
    const r = upgrade(oneshotWorkspace(s), 'food', { log: false }, false);
    expect(r.ok).toBe(true);
  });
});
