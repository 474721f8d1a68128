/** The stack versions and their environment variables; free of vitest, so global-setup can import it. */
export const STACK_VERSIONS = ['0.5', '0.6'] as const;
export type StackVersion = (typeof STACK_VERSIONS)[number];

export function stackEnvName(version: StackVersion): string {
  return `S6M_STACK_${version.replace('.', '_')}`;
}
