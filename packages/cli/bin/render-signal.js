#!/usr/bin/env node
// Committed entry point (the compiled code lands in dist/ after `pnpm build`).
import('../dist/main.js').catch((err) => {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    process.stderr.write('render-signal is not built yet: run `pnpm build` first.\n');
    process.exit(1);
  }
  throw err;
});
