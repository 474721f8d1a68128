import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import input from '@inquirer/input';
import select from '@inquirer/select';
import { render } from '@inquirer/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTree } from '../../src/check/index.js';
import { definition } from '../../src/s6rc/tree.js';
import { emptyState, renderState } from '../../src/state/state.js';
import { inputConfig, selectConfig } from '../../src/upgrade/prompts.js';
import type { Workspace } from '../../src/upgrade/upgrade.js';
import { runWizard, type Choice, type WizardIO } from '../../src/upgrade/wizard.js';
import { service, ssd, sysv, unit, wrapperTree } from './build.js';
import { writeTreeForTest } from './disk.js';

type Step = { choose: string } | { type: string };

/** Answers each real prompt with keystrokes: arrows + enter for select, typed text + enter for input. */
function scriptedIO(steps: Step[], screens: string[], printed: string[], size: { rows?: number; columns?: number } = {}): WizardIO {
  return {
    ...size,
    async select(message: string, choices: Choice[]) {
      const step = steps.shift();
      if (!step || !('choose' in step)) throw new Error(`unexpected select: ${message}`);
      const { answer, events, getScreen } = await render(select, selectConfig(message, choices));
      const idx = choices.findIndex((c) => c.value === step.choose);
      if (idx < 0) throw new Error(`no choice ${step.choose} in ${message}`);
      for (let i = 0; i < idx; i++) events.keypress('down');
      screens.push(getScreen());
      expect(getScreen()).toContain(`❯ ${choices[idx]!.name}`);
      events.keypress('enter');
      return answer;
    },
    async input(message: string, defaultValue: string) {
      const step = steps.shift();
      if (!step || !('type' in step)) throw new Error(`unexpected input: ${message}`);
      const { answer, events, getScreen } = await render(input, inputConfig(message, defaultValue));
      screens.push(getScreen());
      events.type(step.type);
      events.keypress('enter');
      return answer;
    },
    print(text: string) {
      printed.push(text);
    },
  };
}

function workspace(): Workspace {
  const services = [
    service('alpha', [sysv('alpha', [ssd({ exec: '/usr/sbin/alphad', background: true })])]),
    service('beta', [sysv('beta', [ssd({ exec: '/usr/sbin/mysteryd' })])]),
    service('gamma', [unit('gamma', 'simple', ['/usr/bin/gammad', '--serve'])]),
    service('delta', [sysv('delta', [ssd({ exec: '/usr/sbin/vsftpd' })])]),
  ];
  const tree = wrapperTree(services);
  const def = definition('default', 'bundle');
  def.contents = ['runlevel-2'];
  tree.definitions.set('default', def);
  return { tree, model: { version: 1, services, host: { facilityMembers: {} } }, state: emptyState() };
}

const tmp = mkdtempSync(join(tmpdir(), 's6m-wizard-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('wizard driven through the real prompts', () => {
  it('accept, edit a command, skip, quit, then resume', async () => {
    const saves: Workspace[] = [];
    const save = (ws: Workspace) => {
      saves.push(ws);
      const dir = join(tmp, `save-${saves.length}`);
      writeTreeForTest(ws.tree, dir);
      return checkTree(dir);
    };
    const screens: string[] = [];
    const printed: string[] = [];
    // Order is most confident first: alpha, gamma (high), delta (low), beta (no proposal).
    const run1 = await runWizard(workspace(), scriptedIO([
      { choose: 'accept' }, // alpha
      { choose: 'skip' }, // gamma
      { choose: 'command' }, { type: '/usr/sbin/vsftpd /etc/vsftpd-fg.conf' }, { choose: 'accept' }, // delta
      { choose: 'quit' }, // beta
    ], screens, printed), save, { log: true });
    expect(run1.summary).toEqual({ accepted: ['alpha', 'delta'], skipped: ['gamma'], quit: true, failed: [] });
    // beta has no proposal: offered last, but not counted as an upgrade.
    expect(printed[0]).toBe('3 service(s) to upgrade; 1 more it cannot upgrade as they are (shown last: give a command, or skip).\n');
    expect(printed.join('')).toContain('+++ b/alpha-srv/run');
    expect(printed.join('')).toContain('No foreground command found');
    expect(screens.some((s) => s.includes('Upgrade alpha?'))).toBe(true);

    const afterQuit = saves.at(-1)!;
    const state1 = JSON.parse(renderState(afterQuit.state));
    expect(state1.services.alpha).toMatchObject({ stage: 'longrun', evidence: 'ssd-background', command: ['/usr/sbin/alphad'] });
    expect(state1.services.delta).toMatchObject({ stage: 'longrun', evidence: 'user', command: ['/usr/sbin/vsftpd', '/etc/vsftpd-fg.conf'] });
    expect(state1.services.gamma).toEqual({ stage: 'wrapper', skipped: true });
    expect(state1.services.beta).toBeUndefined();
    expect(afterQuit.tree.definitions.get('delta-srv')!.files['run']!.content).toContain('"/usr/sbin/vsftpd" "/etc/vsftpd-fg.conf"');

    // Resume: only beta is left (gamma was skipped); give it a command and accept.
    const run2 = await runWizard(afterQuit, scriptedIO([
      { choose: 'command' }, { type: '/usr/sbin/mysteryd --foreground' }, { choose: 'accept' },
    ], screens, printed), save, { log: true });
    expect(run2.summary.accepted).toEqual(['beta']);
    const final = run2.ws;
    expect(final.state.services['beta']).toMatchObject({ stage: 'longrun', evidence: 'user', command: ['/usr/sbin/mysteryd', '--foreground'] });
    expect([...final.tree.definitions.keys()].sort()).toEqual([
      'alpha-log', 'alpha-srv', 'beta-log', 'beta-srv', 'default', 'delta-log', 'delta-srv', 'gamma', 'runlevel-2',
    ]);
    expect(final.tree.definitions.get('runlevel-2')!.contents).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    // Every saved tree passed the validator.
    for (let i = 1; i <= saves.length; i++) expect(checkTree(join(tmp, `save-${i}`)).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

/** What an 80x24 terminal shows: the last `rows` rows of everything written, long lines wrapped. */
function visible(text: string, rows = 24, columns = 80): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const chars = [...line];
    if (chars.length === 0) out.push('');
    for (let i = 0; i < chars.length; i += columns) out.push(chars.slice(i, i + columns).join(''));
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.slice(-rows).join('\n');
}

describe('wizard on an 80x24 terminal', () => {
  const HEADLINE = ['Command:    /usr/sbin/alphad', 'Evidence:   ssd-background', 'Run as:     root', 'Log:        /var/log/s6migrate/alpha'];

  it('the command, evidence, account and log stay on screen above the prompt; the whole proposal on request', async () => {
    const screens: string[] = [];
    const printed: string[] = [];
    const io = scriptedIO([{ choose: 'more' }, { choose: 'quit' }], screens, printed, { rows: 24, columns: 80 });
    // What was printed before each prompt (the prompt's own screen is in `screens`).
    const before: string[] = [];
    const select = io.select.bind(io);
    io.select = (message, choices) => {
      before.push(printed.splice(0).join(''));
      return select(message, choices);
    };
    const all: string[] = [];
    const print = io.print.bind(io);
    io.print = (t) => {
      all.push(t);
      print(t);
    };
    await runWizard(workspace(), io, () => ({ ok: true, diagnostics: [] }), { log: true });
    // The whole proposal is longer than the terminal: printed at once, its headline would scroll away.
    const whole = all.find((t) => t.includes('+++ b/alpha-srv/run') && t.includes('+++ b/alpha-log/run'))!;
    expect(whole.split('\n').length).toBeGreaterThan(24);
    const firstScreen = visible(before[0]! + screens[0]!);
    for (const l of HEADLINE) expect(firstScreen).toContain(l);
    expect(firstScreen).toContain('Upgrade alpha?');
    expect(firstScreen).toContain('more line(s) of reasons and diff');
    // After "Show the whole proposal": everything was printed, and the headline is repeated by the prompt.
    expect(before[1]).toContain(whole);
    const secondScreen = visible(before[1]! + screens[1]!);
    for (const l of HEADLINE) expect(secondScreen).toContain(l);
  });
});
