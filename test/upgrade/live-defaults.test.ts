/**
 * Arguments an admin sets in /etc/default/NAME (`$DAEMON_ARGS`) stay variables in an upgraded longrun:
 * the importer keeps the script's spelling (`SsdCall.liveArgs`) only when expanding it again at start
 * time gives exactly what the script would, and the run script, run for real with execlineb and
 * /bin/sh, passes the daemon the file's current values, with no expansion beyond the script's own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importOpenrc } from '../../importers/openrc/index.js';
import { importSysv } from '../../importers/sysv/index.js';
import type { LiveArgs, Service, SysvEvidence } from '../../src/model/service.js';
import { execlineLine } from '../../src/s6rc/execline.js';
import { definition, newTree } from '../../src/s6rc/tree.js';
import { emptyState } from '../../src/state/state.js';
import { upgrade, type Workspace } from '../../src/upgrade/upgrade.js';

const work = mkdtempSync(join(tmpdir(), 's6m-live-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let hosts = 0;

const HEADER = '#!/bin/sh\n### BEGIN INIT INFO\n# Provides: echod\n# Default-Start: 2 3 4 5\n### END INIT INFO\n';

/** A host with one init script `echod` (and its defaults file, when given), imported. */
function host(body: string, defaults?: string): { root: string; service: Service } {
  const root = join(work, `h${hosts++}`);
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  mkdirSync(join(root, 'etc/default'), { recursive: true });
  writeFileSync(join(root, 'etc/init.d/echod'), HEADER + body);
  if (defaults !== undefined) writeFileSync(join(root, 'etc/default/echod'), defaults);
  const r = importSysv({ root, files: [join(root, 'etc/init.d/echod')] });
  expect(r.services).toHaveLength(1);
  return { root, service: r.services[0]! };
}

const liveOf = (s: Service): LiveArgs | undefined => (s.sources[0] as SysvEvidence).ssdStarts[0]?.liveArgs;
const START = 'start-stop-daemon --start --background --exec /usr/bin/printf --';

describe('importer: which argument words read the defaults file', () => {
  it('keeps the spelling of the words after --, with the script value as the preset', () => {
    const { service } = host(`OPTS="-a"\n[ -r /etc/default/echod ] && . /etc/default/echod\n${START} '%s\\n' $OPTS --tail\n`, 'OPTS="-b -c"\n');
    expect(liveOf(service)).toEqual({
      file: '/etc/default/echod',
      words: [{ raw: "'%s\\n'", fields: 1, live: false }, { raw: '$OPTS', fields: 2, live: true }, { raw: '--tail', fields: 1, live: false }],
      presets: [['OPTS', '-a']],
    });
  });

  it('a variable the file leaves empty is still live (zero words today)', () => {
    const { service } = host(`. /etc/default/echod\n${START} $OPTS\n`, 'OPTS=""\n');
    expect(liveOf(service)?.words).toEqual([{ raw: '$OPTS', fields: 0, live: true }]);
    expect(liveOf(service)?.presets).toEqual([['OPTS', null]]);
  });

  it('presets what the file itself reads from the script', () => {
    const { service } = host(`NAME=echod\nDIR=/srv\n. /etc/default/echod\n${START} $OPTS\n`, 'OPTS="--name $NAME"\n');
    expect(liveOf(service)?.presets).toEqual([['NAME', 'echod'], ['OPTS', null]]);
  });

  it.each([
    ['the script changes the variable after sourcing', `. /etc/default/echod\nOPTS="$OPTS -x"\n${START} $OPTS\n`],
    ['no variable from the file is used', `. /etc/default/echod\nOTHER=1\n${START} $OTHER\n`],
    ['the word also runs a command', `. /etc/default/echod\n${START} "$OPTS$(hostname)"\n`],
    ['the word assigns a default', `. /etc/default/echod\n${START} \${OPTS:=x}\n`],
    ['the file reads an inherited variable', `. /etc/default/echod\n${START} $LATE\n`],
  ])('none when %s', (_why, body) => {
    const { service } = host(body, 'OPTS="-b"\nLATE="$PATH"\n');
    expect(liveOf(service)).toBeUndefined();
  });

  it('none without a defaults file', () => {
    expect(liveOf(host(`OPTS=-a\n${START} $OPTS\n`).service)).toBeUndefined();
  });
});

/** The service, first converted to its init-script oneshot, upgraded to an unlogged longrun. */
function upgraded(service: Service) {
  const tree = newTree();
  const d = definition(service.name, 'oneshot');
  d.files['up'] = { content: `"/etc/init.d/${service.name}" "start"\n` };
  tree.definitions.set(service.name, d);
  const ws: Workspace = { tree, model: { version: 1, services: [service], host: { facilityMembers: {} } }, state: emptyState() };
  const r = upgrade(ws, service.name, { log: false }, true);
  if (!r.ok) throw new Error(`${r.code}: ${r.reason}`);
  return { run: r.ws.tree.definitions.get(service.name)!.files['run']!.content, proposal: r.proposal };
}

/** Upgrades the service and returns its run script with the defaults file path pointed at `file`. */
function runScript(service: Service, file: string): string {
  const { run } = upgraded(service);
  const systemPath = execlineLine(['/etc/default/echod']);
  expect(run).toContain(systemPath);
  return run.replace(systemPath, execlineLine([file]));
}

/** The argv printf receives: one line per word. */
function execute(script: string, dir: string): string[] {
  const path = join(dir, 'run');
  writeFileSync(path, script, { mode: 0o755 });
  const r = spawnSync('execlineb', ['-P', path], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: '/nonexistent' } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').slice(0, -1);
}

describe('the upgraded run script, run for real', () => {
  it('passes the file\'s current words, and the script\'s value when the file is gone', () => {
    const { root, service } = host(`OPTS="--port 1"\n[ -r /etc/default/echod ] && . /etc/default/echod\n${START} '%s\\n' $OPTS 'last word'\n`, 'OPTS="--port 2 --verbose"\n');
    const file = join(root, 'etc/default/echod');
    const script = runScript(service, file);
    expect(execute(script, root)).toEqual(['--port', '2', '--verbose', 'last word']);
    writeFileSync(file, 'OPTS="--port 3"\n'); // the admin edits the file: no new upgrade needed
    expect(execute(script, root)).toEqual(['--port', '3', 'last word']);
    rmSync(file);
    expect(execute(script, root)).toEqual(['--port', '1', 'last word']);
  });

  it('expands the way the script does and nothing more: no command substitution, no globbing, hostile presets stay data', () => {
    const preset = `it's $(touch ${'${'}PWNED}) ; "x" {a,b}`;
    const { root, service } = host(`PRE='${preset.replace(/'/g, `'\\''`)}'\n. /etc/default/echod\n${START} '%s\\n' "$PRE" $OPTS "$PRE-$OPTS"\n`, 'OPTS="-x"\n');
    expect(liveOf(service)?.presets).toEqual([['OPTS', null], ['PRE', preset]]);
    const file = join(root, 'etc/default/echod');
    const script = runScript(service, file);
    const marker = join(root, 'pwned');
    writeFileSync(file, `OPTS='*  $(touch ${marker}) ;id'\n`);
    expect(execute(script, root)).toEqual([preset, '*', '$(touch', `${marker})`, ';id', `${preset}-*  $(touch ${marker}) ;id`]);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('with the daemon table\'s foreground fix', () => {
  it('a flag added after the program leaves the file\'s words live', () => {
    const { root, service } = host('. /etc/default/echod\nstart-stop-daemon --start --exec /usr/sbin/cron -- $EXTRA_OPTS\n', 'EXTRA_OPTS="-L 15"\n');
    const script = runScript(service, join(root, 'etc/default/echod'));
    expect(script).toContain('exec \\"$@\\" $EXTRA_OPTS"');
    expect(script).toMatch(/"\/usr\/sbin\/cron" "-f"\n$/);
  });

  it('a daemonizing flag dropped from inside the file\'s words freezes them, and says so', () => {
    const { service } = host('. /etc/default/echod\nstart-stop-daemon --start --exec /usr/bin/dbus-daemon -- $OPTS\n', 'OPTS="--system --fork"\n');
    const { run, proposal } = upgraded(service);
    expect(run).toContain('"/usr/bin/dbus-daemon" "--print-address=3" "--nofork" "--nopidfile" "--system"\n');
    expect(proposal.plan.notCarried.join('\n')).toMatch(/\$OPTS \(\/etc\/default\/echod\): written as read today/);
  });
});

describe('OpenRC conf.d values (still resolved at conversion)', () => {
  function openrcHost(script: string, confd: string): Service {
    const root = join(work, `o${hosts++}`);
    mkdirSync(join(root, 'etc/init.d'), { recursive: true });
    mkdirSync(join(root, 'etc/conf.d'), { recursive: true });
    writeFileSync(join(root, 'etc/init.d/food'), `#!/sbin/openrc-run\n${script}`);
    writeFileSync(join(root, 'etc/conf.d/food'), confd);
    const r = importOpenrc({ root, files: [join(root, 'etc/init.d/food')] });
    expect(r.services).toHaveLength(1);
    return r.services[0]!;
  }

  const plan = (service: Service) => upgraded(service).proposal;

  it('says which conf.d values are written as read today', () => {
    const p = plan(openrcHost('supervisor=supervise-daemon\ncommand=/usr/bin/food\ncommand_args="${FOOD_OPTS} --fg"\n', 'FOOD_OPTS="--port 7"\n'));
    expect(p.fg.argv).toEqual(['/usr/bin/food', '--port', '7', '--fg']);
    expect(p.plan.notCarried.join('\n')).toMatch(/^FOOD_OPTS from \/etc\/conf\.d\/food: written into the command line as read today/m);
  });

  it('says nothing when conf.d gives nothing to the command line', () => {
    const p = plan(openrcHost('supervisor=supervise-daemon\ncommand=/usr/bin/food\ncommand_args="--fg"\n', 'rc_need="net"\n'));
    expect(p.plan.notCarried.join('\n')).not.toMatch(/conf\.d/);
  });
});
