import { describe, expect, it } from 'vitest';
import { mergeImports } from '../../src/passes/merge.js';
import { planConversion } from '../../src/passes/index.js';
import { dep, host, result, svc as anySvc } from './factory.js';
import type { ServiceSpec } from './factory.js';

/** These cases are about init scripts: a service is a sysvinit script unless it says otherwise. */
const svc = (name: string, spec: ServiceSpec = {}) => anySvc(name, { format: 'sysv', ...spec });
import { codes, depsOf } from './helpers.js';

describe('merge', () => {
  it('a sysv script and a unit with the same name become one service, script first', () => {
    const script = svc('ssh', { deps: [dep('requires', 'network', { facility: true })], startIn: ['runlevel-2'] });
    const unit = svc('ssh', { format: 'systemd', provides: ['sshd'], deps: [dep('after', 'auditd')], startIn: ['multi-user'],
      wrapper: { kind: 'longrun', run: ['/usr/sbin/sshd', '-D'] } });
    const m = mergeImports([result([unit]), result([script])]);
    expect(m.services).toHaveLength(1);
    const s = m.services[0]!;
    expect(s.format).toBe('sysv');
    expect(s.sources.map((e) => e.format)).toEqual(['sysv', 'systemd']);
    expect(s.deps).toEqual(script.deps);
    expect(s.startIn).toEqual(['runlevel-2']);
    expect(s.wrapper).toEqual(script.wrapper);
    expect(s.chosenBecause).toMatch(/init script/);
    expect(s.provides).toEqual(['sshd']);
    // The loser's own facts stay with its evidence for the upgrade.
    expect(s.sources[1]!.lost?.deps).toEqual(unit.deps);
    expect(s.sources[1]!.lost?.startIn).toEqual(['multi-user']);
    expect(s.sources[1]!.lost?.wrapper).toEqual(unit.wrapper);
    const notes = m.diagnostics.filter((d) => d.code === 'merge-winner');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.severity).toBe('note');
    expect(notes[0]!.message).toContain('/etc/init.d/ssh (sysv) is used over /lib/systemd/system/ssh.service (systemd)');
  });

  it('a unit whose Alias= is a script name joins that script', () => {
    const script = svc('bind9');
    const unit = svc('named', { format: 'systemd', provides: ['bind9.service'] });
    const m = mergeImports([result([script]), result([unit])]);
    expect(m.services.map((s) => s.name)).toEqual(['bind9']);
    expect(m.services[0]!.provides).toContain('named');
    expect(m.services[0]!.sources).toHaveLength(2);
  });

  it('a source with a wrapper beats a preferred one without', () => {
    const script = svc('foo', { wrapper: null });
    const unit = svc('foo', { format: 'systemd' });
    const m = mergeImports([result([script, unit])]);
    expect(m.services[0]!.format).toBe('systemd');
    expect(m.services[0]!.chosenBecause).toMatch(/no way to start/);
  });

  it('host facts: facility members concatenated, script default bundles win with a note', () => {
    const o = { file: '/etc/insserv.conf', line: 1 };
    const a = host({ facilityMembers: { network: [{ name: 'networking', optional: false, origin: o }] },
      defaultBundles: { bundles: ['runlevel-2'], origin: { file: '/etc/inittab', line: 3 } } });
    const b = host({ facilityMembers: { network: [{ name: 'ifupdown', optional: true, origin: o }] },
      defaultBundles: { bundles: ['graphical'], origin: { file: '/etc/systemd/system/default.target' } } });
    const m = mergeImports([result([svc('u', { format: 'systemd' })], b), result([svc('s')], a)]);
    expect(m.host.facilityMembers['network']!.map((x) => x.name).sort()).toEqual(['ifupdown', 'networking']);
    expect(m.host.defaultBundles!.bundles).toEqual(['runlevel-2']);
    expect(m.diagnostics.some((d) => d.code === 'merge-default-bundles' && d.message.includes('graphical'))).toBe(true);
  });

  it('through the whole plan: the merged service keeps the script wrapper and deps', () => {
    const plan = planConversion([
      result([svc('ssh', { format: 'systemd', deps: [dep('requires', 'dbus')], wrapper: { kind: 'longrun', run: ['/usr/sbin/sshd', '-D'] } })]),
      result([svc('ssh', { startIn: ['runlevel-2'] })]),
    ]);
    expect(plan.tree.definitions.get('ssh')!.type).toBe('oneshot');
    expect(depsOf(plan, 'ssh')).toEqual([]);
    expect(codes(plan, 'merge-winner')).toHaveLength(1);
  });
});
