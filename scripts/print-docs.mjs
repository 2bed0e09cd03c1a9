// Prints the README tables from their sources. Run after `pnpm build`: `pnpm docs:tables`.
import { VARIABLES } from '../packages/config/dist/index.js';
import { LOG_CODES } from '../packages/logger/dist/index.js';
import { configTable, logCodeTable } from './docs-tables.mjs';

process.stdout.write(`${configTable(VARIABLES)}\n\n${logCodeTable(LOG_CODES)}\n`);
