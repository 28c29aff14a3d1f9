#!/usr/bin/env node
// The sluice command: runs the compiled CLI (npm install builds it).
import { main } from '../dist/src/cli/main.js';

main(process.argv).then(
  () => {
    // Exit once the work is done even if a library left a handle open.
    setImmediate(() => process.exit(process.exitCode ?? 0));
  },
  (err) => {
    process.stderr.write(`sluice: ${err && err.message ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
