/**
 * Job-like units (a Type=oneshot or Type=simple service started by a .timer or .path unit: logrotate,
 * fstrim, apt-daily, man-db, e2scrub_all) are refused by the upgrade as jobs, naming what starts them,
 * never as "daemonizes itself"; the wizard does not count them among the services to upgrade.
 * Converted for real from unit files (the Debian units' own settings), then upgraded and driven.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertHost } from '../../src/pipeline.js';
import { propose, type Workspace } from '../../src/upgrade/upgrade.js';
import { runWizard, type WizardIO } from '../../src/upgrade/wizard.js';
import { loadWorkspace } from '../../src/upgrade/workspace.js';
import { runMain } from '../support/run-main.js';

const UNITS: Record<string, string> = {
  // Debian's logrotate 3.21 and util-linux 2.38 units, trimmed to what matters here.
  'logrotate.service': '[Unit]\nDescription=Rotate log files\n[Service]\nType=oneshot\nExecStart=/usr/sbin/logrotate /etc/logrotate.conf\nNice=19\n',
  'logrotate.timer': '[Timer]\nOnCalendar=daily\nPersistent=true\n[Install]\nWantedBy=timers.target\n',
  'fstrim.service': '[Service]\nType=oneshot\nExecStart=/sbin/fstrim --listed-in /etc/fstab:/proc/self/mountinfo --verbose --quiet-unsupported\n',
  'fstrim.timer': '[Timer]\nOnCalendar=weekly\n[Install]\nWantedBy=timers.target\n',
  // A Type=simple job named by Unit=: as a longrun it would be restarted in a loop.
  'sweep-cache.service': '[Service]\nExecStart=/usr/bin/sweep --once\n',
  'sweeper.timer': '[Timer]\nOnCalendar=hourly\nUnit=sweep-cache.service\n[Install]\nWantedBy=timers.target\n',
  // A real daemon, for contrast.
  'webd.service': '[Service]\nExecStart=/usr/sbin/webd --foreground\n[Install]\nWantedBy=multi-user.target\n',
};

const tmp = mkdtempSync(join(tmpdir(), 's6m-jobs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const out = join(tmp, 'out');
let ws: Workspace;

beforeAll(() => {
  const dir = join(tmp, 'root/lib/systemd/system');
  mkdirSync(join(dir, 'timers.target.wants'), { recursive: true });
  mkdirSync(join(dir, 'multi-user.target.wants'), { recursive: true });
  for (const [name, text] of Object.entries(UNITS)) writeFileSync(join(dir, name), text);
  for (const t of ['logrotate.timer', 'fstrim.timer', 'sweeper.timer']) symlinkSync(`../${t}`, join(dir, 'timers.target.wants', t));
  symlinkSync('../webd.service', join(dir, 'multi-user.target.wants/webd.service'));
  expect(convertHost({ paths: [], root: join(tmp, 'root'), out, force: false }).write.ok).toBe(true);
  ws = loadWorkspace(out).ws!;
});

describe('jobs started by timers', () => {
  it.each([
    ['logrotate', 'logrotate.timer'],
    ['fstrim', 'fstrim.timer'],
    ['sweep-cache', 'sweeper.timer'],
  ])('%s is refused as a job started by %s', (name, timer) => {
    const r = propose(ws, name, { log: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('job');
    expect(r.reason).toContain(`${name} is a job started by ${timer}: it runs and exits, it is not a daemon`);
    expect(r.reason).not.toContain('daemonizes itself');
  });

  it('a daemon next to them is still proposed', () => {
    expect(propose(ws, 'webd', { log: true }).ok).toBe(true);
  });

  it('the wizard counts only what it can upgrade', async () => {
    const printed: string[] = [];
    const io: WizardIO = {
      select: async () => 'quit',
      input: async () => '',
      print: (t) => void printed.push(t),
    };
    await runWizard(ws, io, () => ({ ok: true, diagnostics: [] }), { log: true });
    expect(printed[0]).toBe('1 service(s) to upgrade; 3 more it cannot upgrade as they are (shown last: give a command, or skip).\n');
  });

  it('upgrade says so, naming the unit file, and exits 1', async () => {
    const r = await runMain(['upgrade', 'logrotate', '--in', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/logrotate\.service: error: logrotate: not upgraded: logrotate is a job started by logrotate\.timer/);
  });
});
