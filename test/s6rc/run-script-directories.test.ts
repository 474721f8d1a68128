/**
 * RuntimeDirectory= and friends in the generated scripts: `if { mkdir -p -m MODE PATH }` and
 * `if { chown OWNER PATH }` before the privilege drop (longrun run) or before the commands (oneshot up).
 * The run script is also executed by the real execlineb as root, which must leave the directory with
 * the mode and owner asked for.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/model/service.js';
import { emitTree } from '../../src/s6rc/emit.js';
import { renderRunScript } from '../../src/s6rc/run-script.js';
import { svc } from '../passes/factory.js';
import { describeStacks } from '../support/stacks.js';

const o = (line: number) => ({ file: '/lib/systemd/system/d.service', line });

function unit(wrapper: NonNullable<Service['wrapper']>, user?: string, group?: string): Service {
  const s = svc('d', { format: 'systemd', wrapper });
  s.run.directories = [{ path: '/run/d', mode: '0750', origin: o(5) }, { path: '/var/lib/d state', mode: '0700', origin: o(6) }];
  if (user) s.run.user = { name: user, origin: o(3) };
  if (group) s.run.group = { name: group, origin: o(4) };
  return s;
}
function emitted(s: Service, file: string): string {
  const r = emitTree([s], { facilityMembers: {} });
  const f = r.tree.definitions.get(s.name)?.files[file];
  if (!f) throw new Error(`no ${file}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return f.content;
}

describe('rendering', () => {
  it('makes and hands over each directory after fdmove and before the privilege drop', () => {
    const script = renderRunScript({
      argv: ['/usr/sbin/d'], stderrToStdout: true, envDir: true, user: 'www-data', umask: '0027',
      directories: [{ path: '/run/d', mode: '0750', owner: 'www-data:www' }, { path: '/var/cache/d', mode: '0755' }],
    });
    expect(script.split('\n')).toEqual([
      '#!/usr/bin/execlineb -P',
      '"fdmove" "-c" "2" "1"',
      'if { "/bin/mkdir" "-p" "-m" "0750" "/run/d" }',
      'if { "/bin/chown" "www-data:www" "/run/d" }',
      'if { "/bin/mkdir" "-p" "-m" "0755" "/var/cache/d" }',
      '"s6-envdir" "./env"',
      '"umask" "0027"',
      '"s6-setuidgid" "www-data"',
      '"/usr/sbin/d"',
      '',
    ]);
  });

  it('first-conversion longrun: owner is User=:Group=, paths quoted as one word', () => {
    const run = emitted(unit({ kind: 'longrun', run: ['/usr/sbin/d'] }, 'www-data', 'www'), 'run');
    expect(run).toContain('if { "/bin/mkdir" "-p" "-m" "0750" "/run/d" }\nif { "/bin/chown" "www-data:www" "/run/d" }\n');
    expect(run).toContain('if { "/bin/chown" "www-data:www" "/var/lib/d state" }');
    expect(run.indexOf('/bin/chown')).toBeLessThan(run.indexOf('s6-envuidgid'));
  });

  it('without User= the directories stay root\'s', () => {
    const run = emitted(unit({ kind: 'longrun', run: ['/usr/sbin/d'] }, undefined, 'www'), 'run');
    expect(run).toContain('"/bin/mkdir" "-p" "-m" "0700" "/var/lib/d state"');
    expect(run).not.toContain('chown');
  });

  it('oneshot wrapper (Type=oneshot/forking): the up chain makes them before the first command', () => {
    const up = emitted(unit({ kind: 'oneshot', up: [['/usr/sbin/d', '--fork']], down: [['/bin/kill', 'x']] }, 'www-data'), 'up');
    expect(up).toBe('if { "/bin/mkdir" "-p" "-m" "0750" "/run/d" } if { "/bin/chown" "www-data" "/run/d" } '
      + 'if { "/bin/mkdir" "-p" "-m" "0700" "/var/lib/d state" } if { "/bin/chown" "www-data" "/var/lib/d state" } "/usr/sbin/d" "--fork"\n');
  });
});

const isRoot = process.getuid?.() === 0;

describeStacks('the run script under execlineb', (stack) => describe.skipIf(!isRoot)(isRoot ? 'as root' : 'skipped: needs root, to become nobody', () => {
  const tmp = mkdtempSync(join(tmpdir(), 's6m-dirs-'));
  chmodSync(tmp, 0o755); // mkdtemp makes it 0700: nobody could not reach the directory inside
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('creates the directory with its mode, owned by nobody, then runs the daemon as nobody', () => {
    const target = join(tmp, 'run', 'probe dir');
    const script = renderRunScript({
      argv: ['/bin/sh', '-c', 'id -un; stat -c "%a %U" "$1"; touch "$1/pid"', 'sh', target],
      user: 'nobody',
      directories: [{ path: target, mode: '0750', owner: 'nobody' }],
    });
    writeFileSync(join(tmp, 'run-script'), script);
    for (let i = 0; i < 2; i++) { // the second start finds the directory already there
      const r = spawnSync(stack.tool('execlineb'), ['-P', join(tmp, 'run-script')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: stack.env });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('nobody\n750 nobody\n');
    }
    const st = statSync(target);
    expect(st.isDirectory()).toBe(true);
    expect(st.mode & 0o7777).toBe(0o750);
    const nobody = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim();
    expect(st.uid).toBe(Number(nobody));
    expect(statSync(join(target, 'pid')).uid).toBe(Number(nobody));
  });
}));
