/**
 * The importer end to end on a small hand-written host (test/fixtures/sysv/host), copied to a temporary
 * root so rc?.d symlinks can be made: rc links override Default-Start, /etc/default overrides script
 * variables, non-scripts are skipped, host files are read, and every written path is the system path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERY_SERVICE } from '../../../src/model/facilities.js';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importSysv } from '../../../importers/sysv/index.js';
import type { ImportResult, Service, SysvEvidence } from '../../../src/model/service.js';

const FIXTURE = join(import.meta.dirname, '../../fixtures/sysv/host');
let root: string;
let result: ImportResult;

function link(level: string, name: string, script: string): void {
  mkdirSync(join(root, `etc/rc${level}.d`), { recursive: true });
  symlinkSync(`../init.d/${script}`, join(root, `etc/rc${level}.d/${name}`));
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 's6m-sysv-'));
  cpSync(FIXTURE, root, { recursive: true });
  link('2', 'S02webd', 'webd');
  link('3', 'S02webd', 'webd');
  link('0', 'K01webd', 'webd');
  link('2', 'S05legacy', 'legacy');
  link('5', 'S05legacy', 'legacy');
  const dir = join(root, 'etc/init.d');
  result = importSysv({ root, files: readdirSync(dir).sort().map((f) => join(dir, f)) });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const svc = (name: string): Service => {
  const s = result.services.find((x) => x.name === name);
  expect(s, name).toBeDefined();
  return s!;
};
const ev = (s: Service) => s.sources[0] as SysvEvidence;
const codesFor = (file: string) => result.diagnostics.filter((d) => d.file.endsWith(`/init.d/${file}`)).map((d) => `${d.code}@${d.line ?? '-'}`);

describe('sysv importer on a fixture host', () => {
  it('imports scripts and skips non-scripts with a note', () => {
    expect(result.services.map((s) => s.name)).toEqual(['console-unlock', 'legacy', 'webd']);
    expect(codesFor('README')).toEqual(['sysv-not-a-service@-']);
    expect(codesFor('legacy.dpkg-old')).toEqual(['sysv-not-a-service@-']);
    expect(codesFor('notes')).toEqual(['sysv-not-a-script@1']);
  });

  it('webd: header, dependencies and the oneshot wrapper', () => {
    const s = svc('webd');
    expect(s.format).toBe('sysv');
    expect(s.description).toBe('Example web daemon');
    expect(s.provides).toEqual(['httpd']);
    expect(s.deps.map((d) => `${d.kind}:${d.facility ? '$' : ''}${d.target}${d.phase ? '/' + d.phase : ''}`)).toEqual([
      'requires:$remote-fs', 'requires:$network', 'wants:$named', 'wants:dbcache', 'before:proxyd', 'requires:$syslog/stop', 'after:logshipper/stop',
    ]);
    expect(s.wrapper).toEqual({ kind: 'oneshot', up: [['/etc/init.d/webd', 'start']], down: [['/etc/init.d/webd', 'stop']] });
  });

  it('rc links override Default-Start (2 3 4 5 -> 2 3), K links recorded, a note says so', () => {
    const s = svc('webd');
    expect(s.startIn).toEqual(['runlevel-2', 'runlevel-3']);
    expect(ev(s).rcLinks).toEqual({ start: ['2', '3'], stop: ['0'] });
    expect(codesFor('webd')).toContain('sysv-rc-links-override@10');
  });

  it('the defaults file is applied on top of the script (DAEMON_ARGS, exported DAEMON_USER)', () => {
    const s = svc('webd');
    // Unquoted $DAEMON_ARGS is field-split as the shell does: the inner quotes do not group words.
    expect(s.run.daemon?.argv).toEqual(['/usr/sbin/webd', '--port', '8080', '--root', "'/srv/my", "site'"]);
    expect(s.run.user?.name).toBe('webuser');
    expect(s.run.group?.name).toBe('www');
    expect(s.run.pidfile?.path).toBe('/run/webd.pid');
    expect(s.run.workdir?.path).toBe('/srv/www');
    expect(s.run.umask?.value).toBe('027');
    expect(s.run.stopSignal?.name).toBe('TERM');
    expect(s.run.envFiles).toEqual([{ path: '/etc/default/webd', optional: true, syntax: 'shell', origin: { file: join(root, 'etc/init.d/webd'), line: 28 } }]);
    expect(ev(s).defaultsFile).toBe(join(root, 'etc/default/webd'));
    expect(s.run.env).toEqual({ WEBD_MODE: { value: 'production', origin: { file: join(root, 'etc/init.d/webd'), line: 23 } } });
    expect(ev(s).ssdStarts).toHaveLength(1); // the --test probe is not a start
    expect(ev(s).ssdStarts[0]).toMatchObject({ background: true, makePidfile: true, chuid: 'webuser:www', unresolved: false });
  });

  it('a script without an LSB header is still a service, with a warning and runlevels from rc links', () => {
    const s = svc('legacy');
    expect(ev(s).hasLsbHeader).toBe(false);
    expect(s.startIn).toEqual(['runlevel-2', 'runlevel-5']);
    expect(s.deps).toEqual([]);
    expect(codesFor('legacy')).toEqual(['lsb-no-header@1']);
  });

  it('X-Interactive, $all and an unknown facility', () => {
    const s = svc('console-unlock');
    expect(ev(s).interactive).toBe(true);
    expect(s.findings.map((f) => f.code).sort()).toEqual(['lsb-interactive']);
    // Default-Start S, but the host has /etc/rc?.d and no link to it: the host does not start it.
    expect(s.startIn).toEqual([]);
    expect(s.enabled).toEqual({ value: false, why: 'no S link in /etc/rc?.d' });
    expect(s.deps.map((d) => [d.kind, d.target, d.facility])).toEqual([['requires', 'local-fs', true], ['after', EVERY_SERVICE, false], ['wants', 'x-custom', true]]);
    expect(codesFor('console-unlock')).toEqual(['lsb-unknown-facility@6']);
  });

  it('host facts: inittab default runlevel and insserv facility members', () => {
    const f = (p: string) => join(root, p);
    expect(result.host.defaultBundles).toEqual({ bundles: ['runlevel-3'], origin: { file: f('etc/inittab'), line: 2 } });
    const members = (k: string) => result.host.facilityMembers[k]?.map((m) => `${m.optional ? '+' : ''}${m.name}`);
    expect(members('local-fs')).toEqual(['+mountall', '+umountfs']);
    expect(members('network')).toEqual(['+networking', '+ifupdown']);
    expect(members('remote-fs')).toEqual(['$local-fs', '+mountnfs']);
    expect(members('x-web')).toEqual(['webd', '+cache']);
    expect(result.host.facilityMembers['x-web']![0]!.origin).toEqual({ file: f('etc/insserv.conf.d/webstack'), line: 1 });
  });

  it('with --root, every path meant for the converted system is the system path', () => {
    for (const s of result.services) {
      const written = JSON.stringify([s.wrapper, s.run.envFiles.map((e) => e.path), ev(s).systemPath, s.run.daemon?.argv, s.run.pidfile?.path]);
      expect(written).not.toContain(root);
      expect(ev(s).systemPath).toBe(`/etc/init.d/${s.name}`);
    }
  });

  it('is deterministic', () => {
    const dir = join(root, 'etc/init.d');
    const again = importSysv({ root, files: readdirSync(dir).sort().reverse().map((f) => join(dir, f)) });
    expect(JSON.stringify(again)).toBe(JSON.stringify(result));
  });
});

describe('host defaults without inittab', () => {
  it("falls back to Debian's runlevel 2 when there are scripts", () => {
    const bare = mkdtempSync(join(tmpdir(), 's6m-sysv-bare-'));
    try {
      mkdirSync(join(bare, 'etc/init.d'), { recursive: true });
      cpSync(join(FIXTURE, 'etc/init.d/legacy'), join(bare, 'etc/init.d/legacy'));
      const r = importSysv({ root: bare, files: [join(bare, 'etc/init.d/legacy')] });
      expect(r.host.defaultBundles?.bundles).toEqual(['runlevel-2']);
      expect(r.diagnostics.map((d) => d.code)).toContain('inittab-no-default');
      // No rc links and no header: no runlevels at all, still a service.
      expect(r.services[0]!.startIn).toEqual([]);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
