/** Entry for running the CLI from source during development: `npx tsx src/cli/bin.ts run x.yaml`. */
import { main } from './main.js';

main(process.argv).then(
  () => setImmediate(() => process.exit(process.exitCode ?? 0)),
  (err: Error) => {
    process.stderr.write(`sluice: ${err.message}\n`);
    process.exit(1);
  },
);
