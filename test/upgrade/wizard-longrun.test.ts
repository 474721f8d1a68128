// The wizard offers a systemd unit the first conversion made a longrun, and accepting it builds the pipeline.
import { describe, expect, it } from 'vitest';
import { definition, newTree } from '../../src/s6rc/tree.js';
import { emptyState } from '../../src/state/state.js';
import type { Workspace } from '../../src/upgrade/upgrade.js';
import { runWizard, type WizardIO } from '../../src/upgrade/wizard.js';
import { service, unit } from './build.js';

describe('wizard and first-conversion longruns', () => {
  it('lists the longrun, shows it is one, and accepting it gives NAME-srv + NAME-log', async () => {
    const s = service('web', [unit('web', 'simple', ['/usr/bin/webd', '-f'])], { wrapper: { kind: 'longrun', run: ['/usr/bin/webd', '-f'] } });
    const tree = newTree();
    const web = definition('web', 'longrun');
    web.files['run'] = { content: '#!/usr/bin/execlineb -P\n"/usr/bin/webd" "-f"\n', mode: 0o755 };
    tree.definitions.set('web', web);
    const ws: Workspace = { tree, model: { version: 1, services: [s], host: { facilityMembers: {} } }, state: emptyState() };
    const printed: string[] = [];
    const asked: string[] = [];
    const io: WizardIO = {
      async select(message) { asked.push(message); return 'accept'; },
      async input() { throw new Error('no input expected'); },
      print(text) { printed.push(text); },
    };
    const { ws: after, summary } = await runWizard(ws, io, () => ({ ok: true, diagnostics: [] }), { log: true });
    expect(asked).toEqual(['Upgrade web?']);
    expect(printed.join('')).toContain('first converted as a longrun without a log');
    expect(summary.accepted).toEqual(['web']);
    expect([...after.tree.definitions.keys()]).toEqual(['web-log', 'web-srv']);
  });
});
