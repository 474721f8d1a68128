/**
 * Real execution (issue 11): OpenRC wrappers of real scripts, started and stopped by s6-rc under
 * s6-svscan (both stacks), with Debian's real openrc-run, on a host OpenRC never booted (an empty /run).
 * Without the openrc-state oneshot openrc-run refuses ("already starting", exit 1); with it, every
 * wrapper starts and stops. Scripts: `cgroups` as shipped in Debian's openrc package, and two written
 * here the way OpenRC scripts are (a backgrounded daemon with a pid file, a service that needs it).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertHost } from '../../src/pipeline.js';
import { describeStacks } from '../support/stacks.js';
import { inOpenrcNamespace, OPENRC_ROOT, OPENRC_SKIP } from '../support/openrc.js';

const read = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8').trim() : '(missing)');

describe.skipIf(OPENRC_SKIP !== '')(`OpenRC wrappers under s6-rc with the real openrc-run${OPENRC_SKIP}`, () => {
  const work = mkdtempSync(join(tmpdir(), 's6m-openrc-exec-'));
  const host = join(work, 'host');
  const etc = join(host, 'etc');
  const out = join(work, 'source');

  beforeAll(() => {
    mkdirSync(join(etc, 'init.d'), { recursive: true });
    mkdirSync(join(etc, 'conf.d'));
    copyFileSync(join(OPENRC_ROOT!, 'etc/init.d/cgroups'), join(etc, 'init.d/cgroups'));
    copyFileSync(join(OPENRC_ROOT!, 'etc/rc.conf'), join(etc, 'rc.conf'));
    writeFileSync(join(etc, 'insserv.conf'), '');
    writeFileSync(join(etc, 'init.d/sleeper'), '#!/sbin/openrc-run\ndescription="a daemon OpenRC backgrounds"\ncommand=/bin/sleep\ncommand_args="${SLEEP_SECONDS:-600}"\ncommand_background=yes\npidfile=/run/sleeper.pid\n', { mode: 0o755 });
    writeFileSync(join(etc, 'conf.d/sleeper'), 'SLEEP_SECONDS=900\n');
    writeFileSync(join(etc, 'init.d/stamp'), `#!/sbin/openrc-run\ndepend() {\n\tneed sleeper\n}\nstart() {\n\tebegin "stamping"\n\techo started > ${work}/stamp\n\teend $?\n}\nstop() {\n\techo stopped > ${work}/stamp\n}\n`, { mode: 0o755 });
    for (const [level, names] of [['sysinit', ['cgroups']], ['default', ['sleeper', 'stamp']]] as const) {
      mkdirSync(join(etc, 'runlevels', level), { recursive: true });
      for (const n of names) symlinkSync(`/etc/init.d/${n}`, join(etc, 'runlevels', level, n));
    }
    const r = convertHost({ paths: [], root: host, out, force: false, init: 'openrc' });
    expect(r.write.ok, JSON.stringify(r.diagnostics)).toBe(true);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('without the state, the real openrc-run refuses on an empty /run (the failure the oneshot prevents)', () => {
    const r = inOpenrcNamespace(etc, '/etc/init.d/sleeper --nodeps start; echo "rc=$?"');
    expect(r.stdout.trim()).toBe('rc=1');
    expect(r.stderr).toContain('already starting');
  });

  describeStacks('s6-rc starts and stops them', (stack) => {
    it('up: openrc-state, then every wrapper starts; down: every wrapper stops', () => {
      const w = join(work, `run-${stack.version}`);
      mkdirSync(join(w, 'scan'), { recursive: true });
      const compile = spawnSync(stack.tool('s6-rc-compile'), [join(w, 'compiled'), out], { env: stack.env, encoding: 'utf8' });
      expect(compile.status, compile.stderr).toBe(0);
      const all = stack.version === '0.6' ? '-Da' : '-da';
      const script = `
export PATH='${stack.path}'
W='${w}'
s6-svscan "$W/scan" </dev/null >"$W/svscan.log" 2>&1 &
i=0; while [ ! -e "$W/scan/.s6-svscan/control" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
s6-rc-init -c "$W/compiled" -l /run/s6-rc "$W/scan" || exit 91
ls /run/openrc >/dev/null 2>&1 && echo present > "$W/state-before" || echo absent > "$W/state-before"
s6-rc -l /run/s6-rc -t 30000 -u change default; echo $? > "$W/up.rc"
ls /run/openrc/started | tr '\\n' ' ' > "$W/started"
cat /run/openrc/softlevel > "$W/softlevel"
kill -0 "$(cat /run/sleeper.pid)" && echo alive > "$W/sleeper" || echo dead > "$W/sleeper"
tr '\\0' ' ' < "/proc/$(cat /run/sleeper.pid)/cmdline" > "$W/cmdline"
pid=$(cat /run/sleeper.pid)
s6-rc -l /run/s6-rc -t 30000 ${all} change; echo $? > "$W/down.rc"
ls /run/openrc/started | tr '\\n' ' ' > "$W/started-after"
i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
kill -0 "$pid" 2>/dev/null && echo alive > "$W/sleeper-after" || echo dead > "$W/sleeper-after"
s6-svscanctl -t "$W/scan"; wait
`;
      const r = inOpenrcNamespace(etc, script, stack.env);
      expect(r.status, r.stderr).toBe(0);
      expect(read(join(w, 'state-before'))).toBe('absent');
      expect(read(join(w, 'up.rc')), r.stderr).toBe('0');
      expect(read(join(w, 'started'))).toBe('cgroups sleeper stamp');
      expect(read(join(w, 'softlevel'))).toBe('default');
      expect(read(join(w, 'sleeper'))).toBe('alive');
      expect(read(join(w, 'cmdline'))).toBe('/bin/sleep 900'); // conf.d applied by openrc-run itself
      expect(read(join(work, 'stamp'))).toBe('stopped');
      expect(read(join(w, 'down.rc'))).toBe('0');
      expect(read(join(w, 'started-after'))).toBe('');
      expect(read(join(w, 'sleeper-after'))).toBe('dead');
    });
  });
});
