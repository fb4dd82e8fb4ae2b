import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Tracks the server's sockets so that a graceful close also ends keep-alive connections that carry
 * no request: Node's own close leaves a connection that never sent a request (clients open spare
 * ones) until the client drops it, and while it stays open a request on it gets Fastify's 503. A
 * standard EventSource that reconnects over such a socket gives up for good on that 503, while a
 * refused connection it retries until the server is back. Requests in flight finish normally; their
 * connections end as soon as their response is sent.
 */
export function drainConnections(server: Server): { closeIdle(): void } {
  const open = new Set<Socket>();
  const busy = new Map<Socket, number>();
  let closing = false;
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      busy.delete(socket);
    });
  });
  server.on('request', (request, response) => {
    const socket: Socket = request.socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    let counted = true;
    // `on` with a guard rather than `once`: no wrapper and no listener removal on every request.
    response.on('close', () => {
      if (!counted) return;
      counted = false;
      const left = (busy.get(socket) ?? 1) - 1;
      if (left > 0) busy.set(socket, left);
      else busy.delete(socket);
      if (closing && left <= 0) socket.destroySoon();
    });
  });
  return {
    closeIdle() {
      closing = true;
      for (const socket of open) if (!busy.has(socket)) socket.destroySoon();
    },
  };
}
