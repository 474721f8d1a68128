// Help texts of the upgrade-stage commands explain each option and its effect, not just its name (issue 6).
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

describe('upgrade, downgrade, wizard, status help', () => {
  const program = buildProgram();
  for (const name of ['upgrade', 'downgrade', 'wizard', 'status']) {
    it(`${name}: every option and argument says what it does`, () => {
      const cmd = program.commands.find((c) => c.name() === name)!;
      expect(cmd).toBeDefined();
      for (const o of cmd.options) expect(o.description.split(/\s+/).length, `${name} ${o.flags}`).toBeGreaterThanOrEqual(7);
      for (const a of cmd.registeredArguments) expect(a.description.split(/\s+/).length, `${name} <${a.name()}>`).toBeGreaterThanOrEqual(7);
    });
  }

  it('upgrade --help tells what --user, --command, --no-log and --log-dir accept and do', () => {
    const cmd = program.commands.find((c) => c.name() === 'upgrade')!;
    const help = cmd.helpInformation();
    const desc = (flag: string) => cmd.options.find((o) => o.long === flag)!.description;
    expect(desc('--user')).toMatch(/NAME:GROUP.*UID:GID/);
    expect(desc('--command')).toMatch(/not expanded/);
    expect(desc('--no-log')).toMatch(/one longrun named NAME/);
    expect(desc('--log-dir')).toMatch(/DIR\/NAME\/current/);
    expect(desc('--yes')).toMatch(/low-confidence/);
    expect(help).toContain('--log-user <account>');
  });
});
