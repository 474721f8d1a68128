/**
 * The two real s6-rc stacks every real-tool test runs against (../shared/tools/skarnet/README):
 * 0.5 = s6-rc 0.5.4.1 with Debian's s6 and execline; 0.6 = upstream s6-rc 0.6.1.1 with its own s6 and
 * execline, whose programs must come first on PATH. global-setup.ts builds them and sets the variables.
 */
import { delimiter } from 'node:path';
import { describe, it } from 'vitest';
import { findExecutable } from '../../src/s6rc/tools.js';
import { STACK_VERSIONS, stackEnvName, type StackVersion } from './stack-names.js';

export { STACK_VERSIONS, stackEnvName, type StackVersion };

export interface Stack {
  version: StackVersion;
  /** The stack's bin directory (s6-rc-compile, s6-rc-init, ...; for 0.6 also s6-svscan, execlineb). */
  bin: string;
  /** PATH with the stack first, for spawning its tools and generated scripts. */
  path: string;
  /** process.env with that PATH. */
  env: NodeJS.ProcessEnv;
  /** A program as this stack's PATH finds it (0.5: Debian's execline/s6 in /usr/bin; 0.6: its own). */
  tool(name: string): string;
}

function stackOf(version: StackVersion): Stack | undefined {
  const bin = process.env[stackEnvName(version)];
  if (!bin) return undefined;
  const path = [bin, process.env.PATH ?? '/usr/bin:/bin'].join(delimiter);
  const tool = (name: string): string => {
    const p = findExecutable(name, path);
    if (p === undefined) throw new Error(`s6-rc stack ${version}: ${name} not found on ${path}`);
    return p;
  };
  return { version, bin, path, env: { ...process.env, PATH: path }, tool };
}

/** The stacks that were built. In CI both must be (global-setup throws otherwise). */
export const STACKS: Stack[] = STACK_VERSIONS.map(stackOf).filter((s): s is Stack => s !== undefined);

/** For describe.each: `[version, stack]` rows, so the test name says which stack ran. */
export const STACK_ROWS: [StackVersion, Stack][] = STACKS.map((s) => [s.version, s]);

/** Outside CI a machine may lack a stack; say so in the test name instead of failing. */
export const MISSING_STACKS: StackVersion[] = STACK_VERSIONS.filter((v) => !STACKS.some((s) => s.version === v));

/**
 * For a requirement a test cannot run without (a tool, the corpus): '' when it is there. Missing in CI
 * (CI set) is an error, never a skip; elsewhere the returned text names what is missing, for the test
 * title and `skipIf(why !== '')`.
 */
export function missing(what: string, present: boolean): string {
  if (present) return '';
  if (process.env.CI) throw new Error(`${what} is missing, and CI never skips: scripts/test-all.sh installs it`);
  const why = ` (skipped: ${what} is missing; scripts/test-all.sh installs it)`;
  console.warn(why.trim());
  return why;
}

if (MISSING_STACKS.length > 0) missing(`s6-rc stack ${MISSING_STACKS.join(', ')} (S6M_STACK_*, built by test/support/global-setup.ts)`, false);

/**
 * describe.each over both stacks, the stack in the title (`TITLE [s6-rc 0.5]`); a stack that was not
 * built shows as one skipped test naming it (outside CI only: in CI importing this file already failed).
 */
export function describeStacks(title: string, body: (stack: Stack) => void): void {
  for (const v of MISSING_STACKS) {
    describe.skip(`${title} [s6-rc ${v}: skipped, stack not built]`, () => {
      it(`needs ../shared/tools/skarnet/build.sh ${v}`, () => {});
    });
  }
  describe.each(STACK_ROWS)(`${title} [s6-rc %s]`, (_v, stack) => body(stack));
}

/** For titles of tests that check a tree with every stack: `s6-rc 0.5 and 0.6`. */
export const STACKS_TITLE = STACKS.length ? `s6-rc ${STACKS.map((s) => s.version).join(' and ')}` : 'no s6-rc stack built';
