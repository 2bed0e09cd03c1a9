export { imapFetcher } from './service.js';
export { syncMailbox, type FetcherDeps, type SyncResult } from './processor.js';
export { advanceCursor, cursorKey, readCursor } from './cursor.js';
export { Lease, leaseKeys } from './lease.js';
export { imapConnector } from './imap-client.js';
export { MailboxWatcher, type WatcherDeps } from './watcher.js';
export { ReconnectBackoff } from './reconnect-backoff.js';
