// The ceiling for bench/submit-load.mjs: a plain node:http server that parses the JSON body and
// answers a JSON object, with no policy, no storage and no framework. Prints its port on stdout.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    const input = JSON.parse(body);
    const out = JSON.stringify({ id: randomUUID(), ...input, status: 'allowed' });
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
    res.end(out);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
