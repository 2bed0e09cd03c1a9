import { SERVICE_NAMES, type ServiceName } from '@render-signal/config';
import type { ServiceDefinition } from '@render-signal/queue';

/** Each service's package, imported only when that service is to run. */
const LOADERS: Record<ServiceName, () => Promise<ServiceDefinition>> = {
  'imap-fetcher': async () => (await import('@render-signal/imap-fetcher')).imapFetcher,
  parser: async () => (await import('@render-signal/parser')).parser,
  'r2-offloader': async () => (await import('@render-signal/r2-offloader')).r2Offloader,
  'webhook-dispatcher': async () => (await import('@render-signal/webhook-dispatcher')).webhookDispatcher,
  dashboard: async () => (await import('@render-signal/dashboard')).dashboard,
};

/**
 * The named services (every one by default), in pipeline order, loading only their own packages:
 * a process that runs one stage never loads the others' dependencies (the dispatcher's process
 * holds no IMAP client and no web framework: about 25 MiB less than all of them).
 */
export async function loadServices(names: readonly ServiceName[] = SERVICE_NAMES): Promise<ServiceDefinition[]> {
  const services: ServiceDefinition[] = [];
  for (const name of SERVICE_NAMES) if (names.includes(name)) services.push(await LOADERS[name]());
  return services;
}
