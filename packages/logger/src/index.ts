export * from './codes.js';
export * from './create-logger.js';
export type { DestinationStream } from 'pino';
export * from './redaction.js';
export { maskEmail, maskSubject } from '@render-signal/core';
