export { imapFetcher } from './service.js';
export { syncMailbox, type FetcherDeps, type SyncResult } from './processor.js';
export { cursorKey, readCursor } from './cursor.js';
export { imapConnector } from './imap-client.js';
