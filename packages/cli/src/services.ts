import { dashboard } from '@render-signal/dashboard';
import { imapFetcher } from '@render-signal/imap-fetcher';
import { parser } from '@render-signal/parser';
import type { ServiceDefinition } from '@render-signal/queue';
import { r2Offloader } from '@render-signal/r2-offloader';
import { webhookDispatcher } from '@render-signal/webhook-dispatcher';

/** Every service, in pipeline order, every package loaded (`loadServices` loads only the ones asked for). */
export const ALL_SERVICES: readonly ServiceDefinition[] = [imapFetcher, parser, r2Offloader, webhookDispatcher, dashboard];
