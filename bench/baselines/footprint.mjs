// Baseline for `footprint`: plain Node printing one small JSON document a second (the first at once).
let n = 0;
const tick = () => process.stdout.write(JSON.stringify({ n: ++n, at: new Date().toISOString() }) + '\n');
tick();
setInterval(tick, 1000);
process.on('SIGTERM', () => process.exit(0));
