export { parser } from './service.js';
export { parseMessage, type ParserDeps, type ParseOutcome } from './processor.js';
