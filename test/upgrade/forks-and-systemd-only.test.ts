/**
 * A command that still forks is never supervised, and options that only work under systemd are dropped
 * or refused: on the real Debian units (nginx-common, dbus) from the corpus, and on every daemon-table
 * entry whose foreground setting another argument could contradict.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSystemd } from '../../importers/systemd/index.js';
import { importSysv } from '../../importers/sysv/index.js';
import { applyEntry, DAEMON_TABLE, nginxGlobals } from '../../src/upgrade/daemon-table.js';
import { inferForeground } from '../../src/upgrade/foreground.js';
import { service, unit } from './build.js';

const corpus = resolve(process.env.S6M_CORPUS ?? '.cache/corpus');

function unitService(pkg: string, file: string) {
  const root = join(corpus, pkg);
  const r = importSystemd({ root, files: [join(root, 'lib/systemd/system', file)] });
  expect(r.services).toHaveLength(1);
  return r.services[0]!;
}

/** nginx keeps only the last -g (src/core/nginx.c, ngx_get_options): the directives it will apply. */
function nginxEffectiveGlobals(argv: readonly string[]): string[] {
  const at = argv.lastIndexOf('-g');
  return at === -1 ? [] : argv[at + 1]!.split(';').map((d) => d.trim()).filter((d) => d !== '');
}

describe('nginx: daemon on in -g is overridden, not contradicted', () => {
  it.skipIf(!existsSync(join(corpus, 'nginx-common')))('the real nginx.service (Type=forking, -g \'daemon on; master_process on;\')', () => {
    const fg = inferForeground(unitService('nginx-common', 'nginx.service'));
    expect(fg.ok).toBe(true);
    if (!fg.ok) return;
    expect(fg.argv).toEqual(['/usr/sbin/nginx', '-g', 'master_process on; daemon off;']);
    expect(nginxEffectiveGlobals(fg.argv)).toContain('daemon off');
    expect(nginxEffectiveGlobals(fg.argv)).not.toContain('daemon on');
  });

  it('every -g loses its daemon directive; the last one carries daemon off', () => {
    expect(nginxGlobals('daemon on; master_process on;', true)).toBe('master_process on; daemon off;');
    expect(nginxGlobals('daemon  on;', false)).toBe('');
    expect(nginxGlobals('pid /run/x.pid;', true)).toBe('pid /run/x.pid; daemon off;');
    const nginx = DAEMON_TABLE.find((e) => e.names.includes('nginx'))!;
    const argv = applyEntry(nginx, ['/usr/sbin/nginx', '-g', 'daemon on;', '-c', '/etc/nginx/x.conf', '-g', 'worker_processes 2; daemon on;']);
    expect(argv).toEqual(['/usr/sbin/nginx', '-g', '', '-c', '/etc/nginx/x.conf', '-g', 'worker_processes 2; daemon off;']);
    expect(applyEntry(nginx, ['/usr/sbin/nginx'])).toEqual(['/usr/sbin/nginx', '-g', 'daemon off;']);
  });
});

describe('every daemon-table entry: a daemonizing option in the source never survives', () => {
  for (const entry of DAEMON_TABLE) {
    if (entry.mode === 'exits' || !entry.remove) continue;
    it(`${entry.names[0]}: ${entry.remove.map((r) => r.flag).join(', ')}`, () => {
      // Each removed option, with a value where it takes one, after and before other words.
      const words = entry.remove!.flatMap((r) => (r.value ? [r.flag, 'yes'] : [r.flag]));
      const argv = applyEntry(entry, [`/usr/sbin/${entry.names[0]}`, ...words, '--other', ...words]);
      // What is left of the source's words, without the foreground words the entry adds (first, or last).
      const n = entry.add?.length ?? 0;
      const supervised = entry.supervised?.words ?? [];
      const left = (entry.addAt === 'end' ? argv.slice(1, argv.length - n) : argv.slice(1 + n)).filter((w) => !supervised.includes(w));
      if (n > 0) expect(entry.addAt === 'end' ? argv.slice(argv.length - n) : argv.slice(1, 1 + n)).toEqual(entry.add);
      for (const r of entry.remove!) expect(left).not.toContain(r.flag);
      expect(left).toEqual(['--other']);
    });
  }

  it('redis-server --daemonize yes and tor --RunAsDaemon 1 become no / 0', () => {
    const s = service('redis', [unit('redis', 'forking', ['/usr/bin/redis-server', '/etc/redis/redis.conf', '--daemonize', 'yes'])]);
    const fg = inferForeground(s);
    expect(fg.ok && fg.argv).toEqual(['/usr/bin/redis-server', '/etc/redis/redis.conf', '--daemonize', 'no']);
    const t = inferForeground(service('tor', [unit('tor', 'forking', ['/usr/bin/tor', '--RunAsDaemon', '1'])]));
    expect(t.ok && t.argv).toEqual(['/usr/bin/tor', '--RunAsDaemon', '0']);
  });
});

describe('options that only work under systemd', () => {
  it.skipIf(!existsSync(join(corpus, 'dbus')))('the real dbus.service: --address=systemd: and --systemd-activation dropped, with the reason', () => {
    const fg = inferForeground(unitService('dbus', 'dbus.service'));
    expect(fg.ok).toBe(true);
    if (!fg.ok) return;
    expect(fg.argv).not.toContain('--address=systemd:');
    expect(fg.argv).not.toContain('--systemd-activation');
    expect(fg.argv).toEqual(expect.arrayContaining(['/usr/bin/dbus-daemon', '--system', '--nofork', '--nopidfile', '--print-address=3']));
    expect(fg.reasons.join('\n')).toMatch(/dropped --address=systemd: --systemd-activation: it only works under systemd/);
    expect(fg.confidence).not.toBe('low');
  });

  it('$MAINPID or $LISTEN_FDS in ExecStart is refused with the reason', () => {
    for (const v of ['$MAINPID', '${LISTEN_FDS}']) {
      const fg = inferForeground(service('x', [unit('x', 'simple', ['/usr/sbin/xd', '--fds', v])]));
      expect(fg.ok).toBe(false);
      if (fg.ok) continue;
      expect(fg.code).toBe('systemd-only');
      expect(fg.reason).toContain(v.replace(/[{}]/g, ''));
    }
    // The `:` prefix turns expansion off: the word reaches the program as it is, which works anywhere.
    const literal = inferForeground(service('x', [unit('x', 'simple', ['/usr/sbin/xd', '$MAINPID'], [':'])]));
    expect(literal.ok).toBe(true);
  });

  it.skipIf(!existsSync(join(corpus, 'openssh-server')))('RuntimeDirectory= sets $RUNTIME_DIRECTORY as systemd does (ssh.service)', () => {
    const s = unitService('openssh-server', 'ssh.service');
    expect(s.run.directories?.map((d) => d.path)).toEqual(['/run/sshd']);
    expect(s.run.env['RUNTIME_DIRECTORY']?.value).toBe('/run/sshd');
  });
});

describe('exim4: the script picks one of several command lines (case ${QUEUERUNNER})', () => {
  it.skipIf(!existsSync(join(corpus, 'exim4-base')))('the real init script: the combined daemon -bd -q30m becomes -bdf -q30m, said and not high confidence', () => {
    const root = join(corpus, 'exim4-base');
    const r = importSysv({ root, files: [join(root, 'etc/init.d/exim4')] });
    const fg = inferForeground(r.services[0]!);
    expect(fg.ok).toBe(true);
    if (!fg.ok) return;
    // The first arm, QUEUERUNNER='combined' (the script's and Debian's default): listener and queue runner in one daemon.
    expect(fg.argv).toEqual(['/usr/sbin/exim4', '-bdf', '-q30m']);
    expect(fg.confidence).not.toBe('high');
    expect(fg.reasons.join('\n')).toMatch(/picks one at run time.*-oP \/run\/exim4\/eximqr\.pid -q30m -oY/);
  });

  it('a queue-runner-only exim (no -bd) is refused: -bdf applies to the listener only', () => {
    const fg = inferForeground(service('exim4', [unit('exim4', 'forking', ['/usr/sbin/exim4', '-q30m'])]));
    expect(fg.ok).toBe(false);
    if (!fg.ok) expect(fg.reason).toMatch(/does not apply to this command line/);
  });
});
