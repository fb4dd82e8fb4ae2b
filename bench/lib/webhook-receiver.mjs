// A webhook receiver in its own process (its CPU is not the server's): answers 200 once the body is
// read, and tells the parent its port.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200).end());
});
server.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
process.on('disconnect', () => process.exit(0));
