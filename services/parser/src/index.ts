export { parser } from './service.js';
export { parseMessage, type ParserDeps, type ParseOutcome } from './processor.js';
export { decideMessage, MAX_HTML_BYTES, MAX_TEXT_BYTES, type MessageDecision } from './decide-message.js';
export { extractBodies } from './body/index.js';
