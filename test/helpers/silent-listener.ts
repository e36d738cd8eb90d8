import { createServer, type Socket } from 'node:net';

/** A hung dependency: a TCP listener on 127.0.0.1 that accepts every connection, reads what it is sent, never answers. */
export interface SilentListener {
  /** `http://127.0.0.1:<port>`, for an SDK endpoint. */
  url: string;
  /** Connections accepted so far: one per attempt the client made (a timed-out attempt closes its connection). */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startSilentListener(): Promise<SilentListener> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the silent listener has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
