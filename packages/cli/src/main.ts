#!/usr/bin/env node
import { Command } from 'commander';
import { SERVICE_NAMES, type ServiceName } from '@render-signal/config';
import { checkEmail, EXIT } from './check.js';

const program = new Command('render-signal').description('IMAP work orders to signed webhooks').exitOverride((err) => {
  process.exit(err.exitCode === 0 ? 0 : EXIT.usage);
});

program
  .command('start')
  .description('start services in this process (all of them by default)')
  .argument('[services...]', `any of: ${SERVICE_NAMES.join(', ')}`)
  .action(async (names: string[]) => {
    const unknown = names.filter((n) => !(SERVICE_NAMES as readonly string[]).includes(n));
    if (unknown.length > 0) program.error(`unknown service: ${unknown.join(', ')}`, { exitCode: EXIT.usage });
    // Loaded here so that `check` starts fast and never touches the queue machinery; only the
    // packages of the services asked for are loaded.
    const [{ runMain }, { loadServices }] = await Promise.all([import('@render-signal/queue'), import('./load-services.js')]);
    await runMain(await loadServices(names.length === 0 ? SERVICE_NAMES : (names as ServiceName[])));
  });

program
  .command('check')
  .description('print the payload that would be sent for an .eml file, or why it would be skipped (offline)')
  .argument('<file>', 'an RFC 822 message (.eml)')
  .option('--now <iso-time>', 'the current time to decide with, e.g. 2026-01-13T10:15:00+01:00')
  .option('--config <file>', 'KEY=VALUE lines overriding the environment (same variable names)')
  .action(async (file: string, options: { now?: string; config?: string }) => {
    const result = await checkEmail({ file, now: options.now, configFile: options.config, env: process.env });
    for (const line of result.stderr) process.stderr.write(`${line}\n`);
    if (result.stdout) process.stdout.write(result.stdout);
    process.exitCode = result.exitCode;
  });

program
  .command('hash-password')
  .description('read a password on stdin (its first line) and print the hash to put in TRIGGER_PAGE_PASSWORD')
  .action(async () => {
    const { readPasswordLine } = await import('./read-password.js');
    const password = await readPasswordLine(process.stdin, process.stderr);
    if (password.length < 12) program.error('the password must have at least 12 characters', { exitCode: EXIT.usage });
    const { hashPassword } = await import('@render-signal/dashboard');
    process.stdout.write(`${await hashPassword(password)}\n`);
  });

await program.parseAsync();
