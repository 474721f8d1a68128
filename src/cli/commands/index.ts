import type { Command } from 'commander';
import { register as scan } from './scan.js';
import { register as convert } from './convert.js';
import { register as check } from './check.js';
import { register as upgrade } from './upgrade.js';
import { register as downgrade } from './downgrade.js';
import { register as wizard } from './wizard.js';
import { register as status } from './status.js';
import { register as apply } from './apply.js';
import { register as rollback } from './rollback.js';
import { register as graph } from './graph.js';

/** Order here is the order in `--help`. */
export const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  scan, convert, check, upgrade, downgrade, wizard, status, apply, rollback, graph,
];
