// Build step: print s6migrate(1) to stdout.
import { buildProgram } from './main.js';
import { renderManPage } from './manpage.js';

process.stdout.write(renderManPage(buildProgram()));
