/**
 * `env/NAME` files read by `s6-envdir ./env` (reference §6.4): one variable per file, the value is the
 * first line with trailing blanks removed, an empty file UNSETS the variable, dotfiles and names with `=`
 * are skipped, at most 4096 bytes. A value s6-envdir would not hand over byte for byte is refused with
 * the reason, never written changed.
 */
import { cmp } from '../model/diagnostic.js';
import type { RunFacts } from '../model/service.js';
import type { S6File } from './tree.js';

const ENVDIR_MAX_BYTES = 4096;

export interface EnvRefusal {
  name: string;
  reason: string;
  origin: { file: string; line?: number };
}

function refusalReason(name: string, value: string): string | undefined {
  if (name === '' || name.includes('/') || name.includes('=') || name.startsWith('.') || name.includes('\0')) {
    return 'the name cannot be a file s6-envdir reads';
  }
  if (value === '') return 's6-envdir unsets a variable whose file is empty';
  if (value.includes('\n') || value.includes('\0')) return 's6-envdir reads only the first line';
  if (/[ \t]$/.test(value)) return 's6-envdir removes trailing blanks';
  if (Buffer.byteLength(value) >= ENVDIR_MAX_BYTES) return `s6-envdir reads at most ${ENVDIR_MAX_BYTES} bytes`;
  return undefined;
}

export function envDirFiles(env: RunFacts['env']): { files: Record<string, S6File>; refused: EnvRefusal[] } {
  const files: Record<string, S6File> = {};
  const refused: EnvRefusal[] = [];
  for (const name of Object.keys(env).sort(cmp)) {
    const { value, origin } = env[name]!;
    const reason = refusalReason(name, value);
    if (reason) refused.push({ name, reason, origin });
    else files[`env/${name}`] = { content: value + '\n' };
  }
  return { files, refused };
}
