// Prints the README tables from their sources, or with --write rewrites them in README.md between
// their markers. Run after `pnpm build`: `pnpm docs:tables --write`.
import { readFileSync, writeFileSync } from 'node:fs';
import { VARIABLES } from '../packages/config/dist/index.js';
import { LOG_CODES } from '../packages/logger/dist/index.js';
import { configTable, logCodeTable } from './docs-tables.mjs';

const tables = { 'config-table': configTable(VARIABLES), 'log-codes': logCodeTable(LOG_CODES) };

if (process.argv.includes('--write')) {
  const path = new URL('../README.md', import.meta.url);
  let readme = readFileSync(path, 'utf8');
  for (const [name, table] of Object.entries(tables)) {
    const pattern = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(\\n<!-- ${name}:end -->)`);
    if (!pattern.test(readme)) throw new Error(`README.md has no <!-- ${name}:start/end --> markers`);
    readme = readme.replace(pattern, (_m, start, end) => `${start}${table}${end}`);
  }
  writeFileSync(path, readme);
} else {
  process.stdout.write(`${tables['config-table']}\n\n${tables['log-codes']}\n`);
}
