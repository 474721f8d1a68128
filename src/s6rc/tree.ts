/**
 * The back end's IR: an s6-rc source directory held in memory. The writer builds one from the model,
 * `serialize` puts it on disk, `readTree` reads one back (for upgrade/downgrade). Only files s6-rc-compile
 * reads belong here; tool state lives in the dot-directory `STATE_DIR`, which s6-rc-compile ignores.
 */
export type S6Type = 'oneshot' | 'longrun' | 'bundle';

export interface S6File {
  content: string;
  /** Default 0644; run/finish are written 0755 (s6-rc-compile copies them 0755 anyway). */
  mode?: number;
}

export interface S6Definition {
  name: string;
  type: S6Type;
  /** Direct dependencies (oneshot, longrun), written as `dependencies.d/NAME` empty files. */
  dependencies: string[];
  /** Bundle members, written as `contents.d/NAME` empty files. */
  contents: string[];
  /**
   * Every other file by path relative to the definition directory: `up`, `down`, `run`, `finish`,
   * `notification-fd`, `producer-for`, `consumer-for`, `pipeline-name`, `timeout-up`, `env/FOO`, ...
   */
  files: Record<string, S6File>;
}

export interface S6Tree {
  definitions: Map<string, S6Definition>;
}

/** Dot-directory inside the output tree: migration state, ignored by s6-rc-compile (names starting `.`). */
export const STATE_DIR = '.s6migrate';

export function newTree(): S6Tree {
  return { definitions: new Map() };
}

export function definition(name: string, type: S6Type): S6Definition {
  return { name, type, dependencies: [], contents: [], files: {} };
}
