// Every benchmark of the project, in the order `pnpm bench` runs them. A benchmark is an ES module
// (paths relative to this file) that exports
//   name     string, unique: the metric prefix in the report and the filter of `pnpm bench <name>`
//   issue    string, optional: the area it guards (parser, fetcher, dispatcher, e2e ...)
//   run()    async, returns an array of results (see README.md for the shape)
// Add a line here for each new one (fetcher latency, dispatcher throughput, end-to-end ...).
export default ['./parse/index.mjs', './dispatch/index.mjs', './r2-worker/index.mjs', './fetch/index.mjs', './pipeline/index.mjs'];
