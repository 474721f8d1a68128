import { describe, expect, it } from 'vitest';
import { planConversion } from '../../src/passes/index.js';
import { dep, host, result, svc as anySvc } from './factory.js';
import type { ServiceSpec } from './factory.js';

/** These cases are about init scripts: a service is a sysvinit script unless it says otherwise. */
const svc = (name: string, spec: ServiceSpec = {}) => anySvc(name, { format: 'sysv', ...spec });
import { codes, contentsOf } from './helpers.js';
import type { InitSystem } from '../../src/host-init.js';

const detected = (init: InitSystem) => ({ init, how: 'override' as const, evidence: [] });

describe('start bundles and default', () => {
  it('one bundle per runlevel; default follows the host, plus runlevel S that boot always runs', () => {
    const plan = planConversion([result([
      svc('mountall', { startIn: ['runlevel-S'] }),
      svc('ssh', { startIn: ['runlevel-2', 'runlevel-3'] }),
      svc('cron', { startIn: ['runlevel-2'] }),
    ], host({ defaultBundles: { bundles: ['runlevel-3'], origin: { file: '/etc/inittab', line: 1 } } }))]);
    expect(contentsOf(plan, 'runlevel-S')).toEqual(['mountall']);
    expect(contentsOf(plan, 'runlevel-2')).toEqual(['cron', 'ssh']);
    expect(contentsOf(plan, 'runlevel-3')).toEqual(['ssh']);
    expect(contentsOf(plan, 'default')).toEqual(['runlevel-3', 'runlevel-S']);
  });

  it('sysv host without a default: runlevel 2 (Debian), with a note', () => {
    const plan = planConversion([result([svc('a', { startIn: ['runlevel-3'] })])]);
    expect(contentsOf(plan, 'default')).toEqual(['runlevel-2']);
    expect(contentsOf(plan, 'runlevel-2')).toEqual([]);
    expect(codes(plan, 'default-bundle-guessed')).toHaveLength(1);
    expect(codes(plan, 'default-bundle-empty')[0]!.message).toContain('runlevel-2');
  });

  it('a sysvinit host never runs its units: a unit with a start bundle starts nowhere, with a note', () => {
    const plan = planConversion([result([
      svc('cron', { startIn: ['runlevel-2'] }),
      svc('metricsd', { format: 'systemd', startIn: ['multi-user'] }),
    ], host({ defaultBundles: { bundles: ['runlevel-2'], origin: { file: '/etc/inittab', line: 1 } } }))], detected('sysv'));
    expect(contentsOf(plan, 'default')).toEqual(['runlevel-2']);
    expect(plan.services.find((s) => s.name === 'metricsd')!.startIn).toEqual([]);
    expect(codes(plan, 'not-run-by-init').map((d) => d.service)).toEqual(['metricsd']);
  });

  it('a systemd host runs scripts through systemd-sysv-generator: rc2-4.d -> multi-user, rc5.d -> graphical, rcS.d not read', () => {
    const plan = planConversion([result([
      svc('cron', { startIn: ['runlevel-2', 'runlevel-3'] }),
      svc('xdm', { startIn: ['runlevel-5'] }),
      svc('early', { startIn: ['runlevel-S'] }),
      svc('metricsd', { format: 'systemd', startIn: ['multi-user'] }),
    ], host({ defaultBundles: { bundles: ['multi-user'], origin: { file: '/etc/systemd/system/default.target' } } }))], detected('systemd'));
    const byName = (n: string) => plan.services.find((s) => s.name === n)!;
    expect(byName('cron').startIn).toEqual(['multi-user']);
    expect(byName('xdm').startIn).toEqual(['graphical']);
    expect(byName('early').startIn).toEqual([]);
    expect(codes(plan, 'sysv-generator-level-ignored').map((d) => d.service)).toEqual(['early']);
    expect(contentsOf(plan, 'multi-user')).toEqual(['cron', 'metricsd']);
  });

  it('no runlevels and no default: union of the start bundles', () => {
    const plan = planConversion([result([
      svc('a', { format: 'systemd', startIn: ['multi-user'] }),
      svc('b', { format: 'systemd', startIn: ['graphical'] }),
    ])]);
    expect(contentsOf(plan, 'default')).toEqual(['graphical', 'multi-user']);
  });

  it('OpenRC default runlevel brings sysinit and boot along', () => {
    const plan = planConversion([result([
      svc('udev', { format: 'openrc', startIn: ['runlevel-sysinit'] }),
      svc('hostname', { format: 'openrc', startIn: ['runlevel-boot'] }),
      svc('sshd', { format: 'openrc', startIn: ['runlevel-default'] }),
    ], host({ defaultBundles: { bundles: ['runlevel-default'], origin: { file: '/etc/runlevels' } } }))]);
    expect(contentsOf(plan, 'default')).toEqual(['runlevel-boot', 'runlevel-default', 'runlevel-sysinit']);
  });

  it('a default naming a bundle nobody uses: created empty with a note', () => {
    const plan = planConversion([result([svc('a', { format: 'systemd', startIn: ['multi-user'] })],
      host({ defaultBundles: { bundles: ['graphical'], origin: { file: '/etc/systemd/system/default.target' } } }))]);
    expect(contentsOf(plan, 'default')).toEqual(['graphical']);
    expect(contentsOf(plan, 'graphical')).toEqual([]);
    expect(codes(plan, 'default-bundle-empty')).toHaveLength(1);
  });

  it('systemd target units are bundles of what they pull in', () => {
    const plan = planConversion([result([
      svc('graphical', { format: 'systemd', unitType: 'target', wrapper: null, deps: [dep('requires', 'multi-user.target'), dep('wants', 'gdm.service')] }),
      svc('gdm', { format: 'systemd' }),
      svc('cron', { format: 'systemd', startIn: ['multi-user'] }),
    ], host({ defaultBundles: { bundles: ['graphical'], origin: { file: 'default.target' } } }))]);
    expect(contentsOf(plan, 'graphical')).toEqual(['gdm', 'multi-user']);
    expect(contentsOf(plan, 'multi-user')).toEqual(['cron']);
    expect(codes(plan, 'service-not-converted')).toEqual([]);
  });

  it('every bundle lists its contents sorted', () => {
    const plan = planConversion([result(['z', 'a', 'm', 'B'].map((n) => svc(n, { startIn: ['runlevel-2'] })))]);
    expect(contentsOf(plan, 'runlevel-2')).toEqual(['B', 'a', 'm', 'z']);
  });
});
