import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as the server saw it, for asserting on headers and body shape. */
export interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: any;
  text: string;
}

/** How the server answers one request. It owns the response and may reset, stall or never answer. */
export type Script = (req: Received, res: http.ServerResponse) => void | Promise<void>;

/**
 * A real HTTP server on 127.0.0.1 and an ephemeral port that plays scripted answers and faults.
 * Routes match by path prefix; each request takes the route's next script, and the last repeats.
 */
export class FaultServer {
  readonly received: Received[] = [];
  /** Requests whose client went away before the response finished. */
  disconnects = 0;
  /** TCP connections accepted: fewer than requests means the client reused its connections. */
  connections = 0;
  private readonly routes: { prefix: string; scripts: Script[]; used: number }[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly disconnectWaiters: (() => void)[] = [];

  private constructor(private readonly server: http.Server, readonly url: string) {}

  static async start(): Promise<FaultServer> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const instance = new FaultServer(server, `http://127.0.0.1:${port}`);
    server.on('connection', (socket) => {
      instance.connections++;
      instance.sockets.add(socket);
      socket.on('close', () => instance.sockets.delete(socket));
    });
    server.on('request', (req, res) => void instance.handle(req, res));
    return instance;
  }

  /** Sets the scripts for paths that start with `prefix` (replacing earlier ones for it). */
  on(prefix: string, ...scripts: Script[]): this {
    const existing = this.routes.findIndex((r) => r.prefix === prefix);
    if (existing >= 0) this.routes.splice(existing, 1);
    this.routes.push({ prefix, scripts, used: 0 });
    this.routes.sort((a, b) => b.prefix.length - a.prefix.length);
    return this;
  }

  /** Requests received on paths starting with `prefix`. */
  requests(prefix = '/'): Received[] {
    return this.received.filter((r) => r.path.startsWith(prefix));
  }

  /** Resolves at the next client disconnect (or at once if one already happened and `already` is set). */
  waitForDisconnect(): Promise<void> {
    return new Promise((resolve) => this.disconnectWaiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const received: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, text };
    this.received.push(received);
    res.on('close', () => {
      if (!res.writableFinished) {
        this.disconnects++;
        this.disconnectWaiters.splice(0).forEach((resolve) => resolve());
      }
    });
    const route = this.routes.find((r) => received.path.startsWith(r.prefix));
    if (!route || route.scripts.length === 0) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no script for ${received.path}` } }));
      return;
    }
    const script = route.scripts[Math.min(route.used, route.scripts.length - 1)];
    route.used++;
    try {
      await script(received, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
      else res.destroy();
    }
  }
}
