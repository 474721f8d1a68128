/**
 * Prints the differential harness's table for the corpus (docs/fidelity.md). As root:
 *   S6M_CORPUS=.cache/corpus npx vite-node test/support/fidelity/main.ts [PACKAGE...]
 */
import { resolve } from 'node:path';
import setup from '../global-setup.js';
import { harnessStacks, renderTable, runCorpus } from './corpus.js';

setup();
const corpus = resolve(process.env.S6M_CORPUS ?? '.cache/corpus');
const only = process.argv.slice(2);
const results = await runCorpus(corpus, harnessStacks({ '0.6': process.env.S6M_STACK_0_6 }), only.length > 0 ? only : undefined);
console.log(renderTable(results));
