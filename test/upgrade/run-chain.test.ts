/**
 * Process-state facts an upgrade must not drop silently: the nice level (start-stop-daemon --nicelevel,
 * OpenRC -N in *_daemon_args), start-stop-daemon --notify-await, and numeric accounts, which s6-setuidgid
 * would look up as names. The chain is also run for real with execlineb to prove it does what it says.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/model/service.js';
import { definition, newTree } from '../../src/s6rc/tree.js';
import { emptyState } from '../../src/state/state.js';
import { upgrade, type UpgradeRequest, type Workspace } from '../../src/upgrade/upgrade.js';
import { openrc, service, ssd, sysv, unit } from './build.js';
import { describeStacks } from '../support/stacks.js';

function ws(s: Service): Workspace {
  const t = newTree();
  const d = definition(s.name, 'oneshot');
  d.files['up'] = { content: `"/etc/init.d/${s.name}" "start"\n` };
  t.definitions.set(s.name, d);
  return { tree: t, model: { version: 1, services: [s], host: { facilityMembers: {} } }, state: emptyState() };
}

function run(s: Service, req: Partial<UpgradeRequest> = {}) {
  const r = upgrade(ws(s), s.name, { log: false, ...req }, true);
  if (!r.ok) throw new Error(`${r.code}: ${r.reason}`);
  return { script: r.ws.tree.definitions.get(s.name)!.files['run']!.content, plan: r.proposal.plan };
}

const daemon = (call: Parameters<typeof ssd>[0]) => service('food', [sysv('food', [ssd({ exec: '/usr/sbin/food', background: true, ...call })])]);

describe('nice level', () => {
  it('start-stop-daemon --nicelevel runs /usr/bin/nice before s6-setuidgid, and says so', () => {
    const { script, plan } = run(daemon({ nicelevel: '-5', chuid: 'food' }));
    expect(script).toContain('"/usr/bin/nice" "-n" "-5" "s6-setuidgid" "food" "/usr/sbin/food"');
    expect(plan.carried.join('\n')).toMatch(/nice level -5 \(start-stop-daemon --nicelevel\)/);
  });

  it('OpenRC -N / --nicelevel= in start_stop_daemon_args or supervise_daemon_args', () => {
    const a = run(service('d', [openrc('d', { supervisor: 'supervise-daemon', command: '/usr/bin/d', supervise_daemon_args: '--nicelevel=10 --ionice 2' })]));
    expect(a.script).toContain('"/usr/bin/nice" "-n" "10" "/usr/bin/d"');
    const b = run(service('d', [openrc('d', { command: '/usr/bin/d', command_background: 'yes', start_stop_daemon_args: '-N 7' })]));
    expect(b.script).toContain('"/usr/bin/nice" "-n" "7" "/usr/bin/d"');
  });

  it('a level that is not a number is reported as not carried over', () => {
    const { script, plan } = run(daemon({ nicelevel: '$NICE' }));
    expect(script).not.toContain('nice');
    expect(plan.notCarried.join('\n')).toMatch(/nice level "\$NICE"/);
  });

  it('--notify-await (sd_notify) is reported as not carried over', () => {
    const { script, plan } = run(daemon({ notifyAwait: true }));
    expect(plan.notCarried.join('\n')).toMatch(/--notify-await.*sd_notify/);
    expect(script).not.toContain('notification');
  });
});

describe('numeric accounts', () => {
  it('numeric uid and gid go to s6-applyuidgid without lookup', () => {
    const { script, plan } = run(daemon({ chuid: '1000:1000' }));
    expect(script).toContain('"s6-applyuidgid" "-u" "1000" "-g" "1000" "-G" "" "/usr/sbin/food"');
    expect(script).not.toContain('s6-setuidgid');
    expect(plan.carried.join('\n')).toMatch(/numeric uid 1000 and gid 1000/);
  });

  it('a numeric uid without a numeric gid is refused with a way out', () => {
    const r = upgrade(ws(daemon({ chuid: '1000' })), 'food', { log: false }, true);
    expect(r.ok ? 'ok' : r.code).toBe('numeric-user');
    if (!r.ok) expect(r.reason).toMatch(/--user NAME/);
    const o = { file: '/lib/systemd/system/food.service', line: 3 };
    const named = daemon({});
    named.run.user = { name: '1000', origin: o };
    named.run.group = { name: 'adm', origin: o };
    const r2 = upgrade(ws(named), 'food', { log: false }, true);
    expect(r2.ok ? 'ok' : r2.code).toBe('numeric-user');
    // --user overrides the source: a name, or both ids.
    expect(run(daemon({ chuid: '1000' }), { user: 'food' }).script).toContain('"s6-setuidgid" "food"');
    expect(run(daemon({ chuid: '1000' }), { user: '1000:33' }).script).toContain('"s6-applyuidgid" "-u" "1000" "-g" "33" "-G" ""');
  });

  it('a named user with a numeric group sets the gid with s6-applyuidgid -g', () => {
    expect(run(daemon({ chuid: 'food:33' })).script).toContain('"s6-envuidgid" "food" "s6-applyuidgid" "-z" "-U" "-g" "33" "/usr/sbin/food"');
  });
});

// Run the rendered chain with the real execline and s6 tools (needs root to change ids and lower nice).
const isRoot = process.getuid?.() === 0;

describeStacks('the chain under execlineb', (stack) => describe.skipIf(!isRoot)(isRoot ? 'as root' : 'skipped: needs root, to change ids and lower nice', () => {
  const dir = mkdtempSync(join(tmpdir(), 's6m-chain-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the daemon with the nice level, uid, gid and no supplementary groups', () => {
    const s = daemon({ nicelevel: '5', chuid: '4242:4343' });
    const { script } = run(s, { command: ['/bin/sh', '-c', 'echo "$(id -u) $(id -g) $(id -G) $(nice)"'] });
    writeFileSync(join(dir, 'run'), script);
    const r = spawnSync(stack.tool('execlineb'), ['-P', join(dir, 'run')], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: stack.env });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('4242 4343 4343 5\n');
  });

  it('s6-setuidgid with a bare number fails, which is why it is never written', () => {
    const r = spawnSync(stack.tool('s6-setuidgid'), ['4242', '/bin/true'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: stack.env });
    expect(r.status).not.toBe(0);
  });
}));

describe('a privileged ExecStart (+, !)', () => {
  const withUser = (prefixes: string[]) => {
    const s = service('food', [unit('food', 'simple', ['/usr/sbin/food', '-f'], prefixes)]);
    s.run.user = { name: 'food', origin: { file: '/lib/systemd/system/food.service', line: 5 } };
    return s;
  };

  it('keeps root as systemd does, and says so; --user still drops', () => {
    const priv = run(withUser(['+']));
    expect(priv.script).not.toContain('s6-setuidgid');
    expect(priv.plan.carried.join('\n')).toMatch(/keeps root/);
    expect(run(withUser([])).script).toContain('"s6-setuidgid" "food"\n"/usr/sbin/food" "-f"');
    expect(run(withUser(['!']), { user: 'nobody' }).script).toContain('"s6-setuidgid" "nobody"');
  });
});
