#!/usr/bin/env node
import { Command } from 'commander';
import { runMain } from '@render-signal/queue';
import { ALL_SERVICES } from './services.js';

const program = new Command('render-signal').description('IMAP work orders to signed webhooks');

program
  .command('start')
  .description('start services in this process (all of them by default)')
  .argument('[services...]', `any of: ${ALL_SERVICES.map((s) => s.name).join(', ')}`)
  .action(async (names: string[]) => {
    const unknown = names.filter((n) => !ALL_SERVICES.some((s) => s.name === n));
    if (unknown.length > 0) program.error(`unknown service: ${unknown.join(', ')}`, { exitCode: 64 });
    await runMain(names.length === 0 ? ALL_SERVICES : ALL_SERVICES.filter((s) => names.includes(s.name)));
  });

await program.parseAsync();
