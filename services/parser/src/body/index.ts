export { extractBodies } from './extract-bodies.js';
export type { BodyCaps, ExtractedBodies } from './extract-bodies.js';
