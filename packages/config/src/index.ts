export * from './config-error.js';
export * from './load-config.js';
export * from './ssrf.js';
export * from './target-url.js';
export * from './variables.js';
