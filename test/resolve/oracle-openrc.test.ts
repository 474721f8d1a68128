/**
 * OpenRC oracle (issue 11): what OpenRC starts at boot, asked of Debian's real OpenRC (unpacked, never
 * installed, in a private mount namespace: test/support/openrc.ts). For each runlevel in boot order
 * (sysinit, boot, default) `rc-depend -s -a -t ineed,iwant,iuse,iafter` over its services, with the
 * runlevel in RC_RUNLEVEL, is librc's rc_deptree_depends() exactly as `openrc` calls it to start a
 * runlevel (RC_DEP_STRICT | RC_DEP_START; the deptree made by its own gendepends.sh, lsb2rcconf for LSB
 * scripts); what a runlevel starts is marked started before the next, as at boot. The conversion's
 * compiled `default` (s6-rc-db, both stacks) must start that set, nothing more, or say why.
 * Scripts: the OpenRC scripts of Debian's openrc package, every LSB script of the corpus (Debian's
 * OpenRC runs them), and OpenRC scripts written here around the virtuals (several providers of logger,
 * net, clock; need/use/want/after; conf.d rc_need), in runlevel layouts written here.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertHost } from '../../src/pipeline.js';
import { OPENRC_STATE_DIRS, OPENRC_STATE_SERVICE } from '../../src/passes/openrc-state.js';
import { CORPUS, CORPUS_PACKAGES, CORPUS_SKIP } from '../support/corpus.js';
import { inOpenrcNamespace, OPENRC_ROOT, OPENRC_SKIP } from '../support/openrc.js';
import { compare, compiledDefault, report } from '../support/oracle.js';
import { STACKS } from '../support/stacks.js';

const SKIP = OPENRC_SKIP || CORPUS_SKIP;
const LEVELS = ['sysinit', 'boot', 'default'] as const;

const openrcScript = (body: string) => `#!/sbin/openrc-run\ncommand=/bin/true\n${body}\n`;

/** OpenRC scripts written the way OpenRC's own are, around the virtuals. */
const WRITTEN: Record<string, string> = {
  hwclock: 'depend() {\n\tprovide clock\n}',
  swclock: 'depend() {\n\tprovide clock\n}',
  'logd-a': 'depend() {\n\tprovide logger\n\tneed clock\n}',
  'logd-b': 'depend() {\n\tprovide logger\n}',
  'logd-c': 'depend() {\n\tprovide logger\n}',
  dhcpcd: 'depend() {\n\tprovide net\n\tuse logger\n}',
  networkmanager: 'depend() {\n\tprovide net\n\tneed logger\n}',
  'ntpd-x': 'depend() {\n\tprovide ntp-client\n\tneed net\n}',
  chronyd: 'depend() {\n\tprovide ntp-client\n\tuse net\n}',
  webapp: 'depend() {\n\tneed net logger\n\tuse ntp-client dns\n\twant cron\n\tafter bootmisc\n}',
  reporter: 'depend() {\n\tneed clock\n\tafter webapp\n}',
  backup: '',
};

/** Runlevels written here: two layouts over the same scripts. */
function layout(variant: 'alpine-like' | 'minimal', lsb: string[]): Record<(typeof LEVELS)[number], string[]> {
  // Debian's cgroups script says `keyword -docker ...`: OpenRC skips it in a container, which says more
  // about the machine running the test than about the host; it is in no runlevel here.
  if (variant === 'minimal') return { sysinit: ['swclock'], boot: [], default: ['webapp', 'reporter'] };
  return {
    sysinit: ['logd-c'],
    boot: ['hwclock', 'logd-b', 'savecache'],
    default: ['dhcpcd', 'chronyd', 'webapp', 'reporter', 'backup', ...lsb],
  };
}

function buildHost(work: string, variant: 'alpine-like' | 'minimal'): { root: string; etc: string } {
  const root = join(work, variant);
  const etc = join(root, 'etc');
  mkdirSync(join(etc, 'init.d'), { recursive: true });
  mkdirSync(join(etc, 'conf.d'));
  // lsb2rcconf reads insserv.conf and lists insserv.conf.d, as on a Debian host.
  mkdirSync(join(etc, 'insserv.conf.d'));
  copyFileSync(join(OPENRC_ROOT!, 'etc/rc.conf'), join(etc, 'rc.conf'));
  writeFileSync(join(etc, 'inittab'), '::sysinit:/sbin/openrc sysinit\n::wait:/sbin/openrc boot\n::wait:/sbin/openrc default\n');
  writeFileSync(join(etc, 'insserv.conf'), '$local_fs +mountall +mountall-bootclean +mountoverflowtmp +umountfs\n$network +networking +ifupdown\n$named +named +dnsmasq +lwresd +bind9 +unbound +pdns-recursor $network\n$remote_fs $local_fs +mountnfs +mountnfs-bootclean +umountnfs +sendsigs\n$syslog +rsyslog +sysklogd +syslog-ng +dsyslog +inetutils-syslogd\n$portmap portmap\n$time +hwclock\n');
  // The OpenRC scripts Debian's package ships (rc and rcS are its runlevel drivers, not services).
  for (const n of ['agetty', 'cgroups', 'savecache']) copyFileSync(join(OPENRC_ROOT!, 'etc/init.d', n), join(etc, 'init.d', n));
  for (const [n, body] of Object.entries(WRITTEN)) writeFileSync(join(etc, 'init.d', n), openrcScript(body), { mode: 0o755 });
  // conf.d: OpenRC's rc_need adds a dependency from configuration (rc.conf(5), openrc-run(8)).
  writeFileSync(join(etc, 'conf.d/backup'), 'rc_need="webapp"\nrc_use="logger"\n');
  // Every LSB script of the corpus whose Default-Start has runlevel 2.
  const lsb: string[] = [];
  for (const pkg of CORPUS_PACKAGES.filter((p) => p !== 'openrc')) {
    const dir = join(CORPUS, pkg, 'etc/init.d');
    if (!existsSync(dir)) continue;
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      if (!statSync(p).isFile() || existsSync(join(etc, 'init.d', n))) continue;
      const text = readFileSync(p, 'latin1');
      if (!/^#\s*Default-Start:.*\b2\b/m.test(text)) continue;
      copyFileSync(p, join(etc, 'init.d', n));
      lsb.push(n);
    }
  }
  const levels = layout(variant, variant === 'alpine-like' ? lsb : []);
  for (const level of [...LEVELS, 'shutdown']) {
    mkdirSync(join(etc, 'runlevels', level), { recursive: true });
    for (const n of (levels as Record<string, string[]>)[level] ?? []) symlinkSync(`/etc/init.d/${n}`, join(etc, 'runlevels', level, n));
  }
  return { root, etc };
}

/** What OpenRC starts booting to default, by librc itself. */
function openrcStarts(etc: string): { set: string[]; perLevel: Record<string, string[]>; stderr: string } {
  const dirs = ['', ...OPENRC_STATE_DIRS].map((d) => `/run/openrc/${d}`).join(' ');
  const script = `
mkdir -p ${dirs}
echo sysinit > /run/openrc/softlevel
# The deptree first (gendepends.sh over /etc/init.d), so the queries print nothing else.
/lib/rc/bin/rc-depend -u >/dev/null 2>&1
for level in ${LEVELS.join(' ')}; do
  svcs=$(ls /etc/runlevels/$level)
  out=""
  [ -n "$svcs" ] && out=$(RC_RUNLEVEL=$level /lib/rc/bin/rc-depend -s -a -t ineed,iwant,iuse,iafter $svcs)
  echo "$level: $out"
  for s in $out; do ln -sf /etc/init.d/$s /run/openrc/started/$s; done
done
`;
  const r = inOpenrcNamespace(etc, script);
  if (r.status !== 0) throw new Error(`rc-depend failed (${r.status}): ${r.stderr}`);
  const perLevel: Record<string, string[]> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^(\w+): ?(.*)$/.exec(line);
    if (m) perLevel[m[1]!] = m[2]!.split(/\s+/).filter(Boolean);
  }
  return { set: [...new Set(Object.values(perLevel).flat())].sort(), perLevel, stderr: r.stderr };
}

describe.skipIf(SKIP !== '')(`OpenRC oracle: librc (rc-depend) vs the compiled default${SKIP}`, () => {
  const work = mkdtempSync(join(tmpdir(), 's6m-oracle-openrc-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  for (const variant of ['alpine-like', 'minimal'] as const) {
    it(`${variant} runlevels: OpenRC scripts, corpus LSB scripts, conf.d`, () => {
      const { root, etc } = buildHost(work, variant);
      const judge = openrcStarts(etc);
      expect(judge.perLevel['default']?.length ?? 0).toBeGreaterThan(0);
      const out = join(work, `${variant}-source`);
      const r = convertHost({ paths: [], root, out, force: false });
      expect(r.write.ok, JSON.stringify(r.diagnostics.filter((d) => d.severity === 'error'))).toBe(true);
      expect(r.host.init?.init).toBe('openrc');
      for (const stack of STACKS) {
        const ours = compiledDefault(stack, out).filter((n) => n !== OPENRC_STATE_SERVICE);
        const c = compare(judge.set, ours, r.diagnostics);
        console.log(report(`OpenRC, ${variant} (${Object.entries(judge.perLevel).map(([l, s]) => `${l} ${s.length}`).join(', ')}), s6-rc ${stack.version}`, c));
        expect([...c.onlyOriginal, ...c.onlyOurs].filter((d) => !d.why).map((d) => d.name)).toEqual([]);
      }
    });
  }
});
