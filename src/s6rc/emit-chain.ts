/**
 * Several commands in one oneshot `up`/`down` line: `if { cmd1 } if { cmd2 } cmd3`, each must succeed
 * before the next runs (execline `if`, reference §7.5). Words inside blocks are quoted exactly like words
 * outside (the lexer encodes the block, §7.3); only the delimiters `{` `}` are bare.
 */
import { execlineLine, UnsafeArgvError } from './execline.js';

export function chainCommands(argvs: readonly (readonly string[])[]): string {
  if (argvs.length === 0) throw new UnsafeArgvError('no command to run');
  const last = argvs[argvs.length - 1]!;
  const blocks = argvs.slice(0, -1).map((argv) => `if { ${execlineLine(argv)} }`);
  return [...blocks, execlineLine(last)].join(' ');
}
