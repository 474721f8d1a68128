/**
 * OpenRC provider selection (librc get_provided() at boot) and the facility table rows for OpenRC's
 * virtuals, on hosts written as OpenRC would see them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanHost } from '../../src/pipeline.js';
import { facilityFromOpenrc } from '../../src/model/facilities.js';

let roots: string[] = [];
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
});

const script = (depend: string) => `#!/sbin/openrc-run\ncommand=/bin/true\ndepend() {\n\t${depend}\n}\n`;

/** Scripts by name (their depend() body) and runlevel -> names. */
function host(scripts: Record<string, string>, levels: Record<string, string[]>): string {
  const root = mkdtempSync(join(tmpdir(), 's6m-openrc-prov-'));
  roots.push(root);
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  for (const [n, d] of Object.entries(scripts)) writeFileSync(join(root, 'etc/init.d', n), script(d), { mode: 0o755 });
  for (const [level, names] of Object.entries(levels)) {
    mkdirSync(join(root, 'etc/runlevels', level), { recursive: true });
    for (const n of names) symlinkSync(`/etc/init.d/${n}`, join(root, 'etc/runlevels', level, n));
  }
  return root;
}

// Every OpenRC wrapper also depends on openrc-state (the state openrc-run needs): left out here.
const depsOf = (r: ReturnType<typeof scanHost>, n: string) => r.services.find((s) => s.name === n)!.s6Dependencies!.filter((d) => d !== 'openrc-state');
const defaultClosure = (r: ReturnType<typeof scanHost>): string[] => {
  const bundles = new Map(r.host.bundles!.map((b) => [b.name, b.contents]));
  const deps = new Map(r.services.map((s) => [s.name, s.s6Dependencies ?? []]));
  const out = new Set<string>();
  const walk = (n: string) => {
    if (bundles.has(n)) return bundles.get(n)!.forEach(walk);
    if (out.has(n)) return;
    out.add(n);
    (deps.get(n) ?? []).forEach(walk);
  };
  walk('default');
  return [...out].sort();
};

describe('OpenRC virtuals: which provider a need means', () => {
  it('the providers in the runlevel, not every installed one (17 enabled must not start 35)', () => {
    const r = scanHost({ paths: [], init: 'openrc', root: host({
      rsyslog: 'provide logger', 'syslog-ng': 'provide logger', metalog: 'provide logger',
      chronyd: 'provide ntp-client', ntpd: 'provide ntp-client',
      dhcpcd: 'provide net', networkmanager: 'provide net',
      cron: 'need logger net\n\tuse ntp-client',
    }, { default: ['rsyslog', 'dhcpcd', 'chronyd', 'cron'] }) });
    expect(depsOf(r, 'cron')).toEqual(['chronyd', 'dhcpcd', 'rsyslog']);
    expect(defaultClosure(r)).toEqual(['chronyd', 'cron', 'dhcpcd', 'openrc-state', 'rsyslog']);
  });

  it('boot is part of every runlevel; a provider started in sysinit is the one when none is here', () => {
    const r = scanHost({ paths: [], init: 'openrc', root: host({
      hwclock: 'provide clock', swclock: 'provide clock', busybox_syslog: 'provide logger', app: 'need clock logger',
    }, { sysinit: ['busybox_syslog'], boot: ['swclock'], default: ['app'] }) });
    expect(depsOf(r, 'app')).toEqual(['busybox_syslog', 'swclock']);
  });

  it('no provider in the runlevel and none started: the first by name, as OpenRC picks, with a note', () => {
    const r = scanHost({ paths: [], init: 'openrc', root: host({ osclock: 'provide clock', hwclock: 'provide clock', app: 'need clock\n\tuse logger', metalog: 'provide logger' }, { default: ['app'] }) });
    expect(depsOf(r, 'app')).toEqual(['hwclock']);
    expect(r.diagnostics.filter((d) => d.code === 'openrc-provider-arbitrary').map((d) => d.service)).toEqual(['app']);
    // use logger: metalog is not started anywhere, so nothing is ordered or pulled.
    expect(defaultClosure(r)).toEqual(['app', 'hwclock', 'openrc-state']);
  });

  it('a name that is a service is never virtual, even when others provide it', () => {
    const r = scanHost({ paths: [], init: 'openrc', root: host({ net: '', dhcpcd: 'provide net', app: 'need net' }, { default: ['app', 'dhcpcd'] }) });
    expect(depsOf(r, 'app')).toEqual(['net']);
  });

  it('facility rows: clock is hwclock/swclock/osclock, never ntp-client', () => {
    expect(facilityFromOpenrc('clock')?.name).toBe('time');
    expect(facilityFromOpenrc('ntp-client')?.name).toBe('ntp-client');
    const r = scanHost({ paths: [], init: 'openrc', root: host({ hwclock: 'provide clock', ntpd: 'provide ntp-client', app: 'need clock' }, { boot: ['hwclock'], default: ['app', 'ntpd'] }) });
    expect(depsOf(r, 'app')).toEqual(['hwclock']);
  });

  it('an OpenRC host without /etc/runlevels: a warning, and default starts nothing', () => {
    const root = mkdtempSync(join(tmpdir(), 's6m-openrc-norl-'));
    roots.push(root);
    mkdirSync(join(root, 'etc/init.d'), { recursive: true });
    writeFileSync(join(root, 'etc/init.d/app'), script('need net'), { mode: 0o755 });
    const r = scanHost({ paths: [], root });
    expect(r.host.init?.init).toBe('openrc');
    expect(r.diagnostics.filter((d) => d.code === 'openrc-no-runlevels').map((d) => d.severity)).toEqual(['warning']);
    expect(defaultClosure(r)).toEqual([]);
  });

  it('every OpenRC wrapper depends on the openrc-state oneshot, which makes /run/openrc as the boot of OpenRC does', () => {
    const r = scanHost({ paths: [], init: 'openrc', root: host({ a: '', b: 'need a' }, { default: ['a', 'b'] }) });
    for (const n of ['a', 'b']) expect(r.services.find((s) => s.name === n)!.s6Dependencies).toContain('openrc-state');
    const state = r.tree.definitions.get('openrc-state')!;
    expect(state.type).toBe('oneshot');
    expect(state.files['up']!.content).toContain('"/run/openrc/started"');
    expect(state.files['up']!.content).toContain('test -e /run/openrc/softlevel || echo default > /run/openrc/softlevel');
    expect(state.files['down']).toBeUndefined();
  });
});
