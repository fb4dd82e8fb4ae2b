// The ceiling for bench/sse-fanout.mjs: a plain node:http server that writes every body POSTed to
// /publish as one SSE frame to every client of GET /events. No storage, no framework, no filters.
import { createServer } from 'node:http';

const clients = new Set();
let seq = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/events')) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': connected\n\n');
    clients.add(res);
    res.on('close', () => clients.delete(res));
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    const input = JSON.parse(body);
    // Two frames per publish, as a submission makes two ledger events, in one write per client.
    let frames = '';
    for (const type of ['action.created', 'action.decided']) {
      seq += 1;
      frames += `id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify({ action: input, event: { seq, type } })}\n\n`;
    }
    for (const client of clients) client.write(frames);
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
