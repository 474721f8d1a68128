/**
 * The two real s6-rc stacks every real-tool test runs against (../shared/tools/skarnet/README):
 * 0.5 = s6-rc 0.5.4.1 with Debian's s6 and execline; 0.6 = upstream s6-rc 0.6.1.1 with its own s6 and
 * execline, whose programs must come first on PATH. global-setup.ts builds them and sets the variables.
 */
import { delimiter } from 'node:path';

export const STACK_VERSIONS = ['0.5', '0.6'] as const;
export type StackVersion = (typeof STACK_VERSIONS)[number];

export interface Stack {
  version: StackVersion;
  /** The stack's bin directory (s6-rc-compile, s6-rc-init, ...; for 0.6 also s6-svscan, execlineb). */
  bin: string;
  /** PATH with the stack first, for spawning its tools and generated scripts. */
  path: string;
  /** process.env with that PATH. */
  env: NodeJS.ProcessEnv;
}

export function stackEnvName(version: StackVersion): string {
  return `S6M_STACK_${version.replace('.', '_')}`;
}

function stackOf(version: StackVersion): Stack | undefined {
  const bin = process.env[stackEnvName(version)];
  if (!bin) return undefined;
  const path = [bin, process.env.PATH ?? '/usr/bin:/bin'].join(delimiter);
  return { version, bin, path, env: { ...process.env, PATH: path } };
}

/** The stacks that were built. In CI both must be (global-setup throws otherwise). */
export const STACKS: Stack[] = STACK_VERSIONS.map(stackOf).filter((s): s is Stack => s !== undefined);

/** For describe.each: `[version, stack]` rows, so the test name says which stack ran. */
export const STACK_ROWS: [StackVersion, Stack][] = STACKS.map((s) => [s.version, s]);

/** Outside CI a machine may lack a stack; say so in the test name instead of failing. */
export const MISSING_STACKS: StackVersion[] = STACK_VERSIONS.filter((v) => !STACKS.some((s) => s.version === v));
