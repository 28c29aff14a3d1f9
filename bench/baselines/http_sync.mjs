// Baseline for `http-sync`: a bare node:http server that answers each POST with the benchmark edit
// of its JSON body (what Sluice's http_server → mapping → sync_response does).
// Usage: node http_sync.mjs <port>
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try {
      const doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      doc.user.name = doc.user.name.toUpperCase();
      doc.tags = doc.tags.filter((t) => t !== 'spam');
      doc.total = doc.price * doc.qty;
      body = JSON.stringify(doc);
    } catch (e) {
      res.writeHead(400).end(String(e));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)) && server.closeAllConnections());
