// The client side of one UCloud WebSocket call: opens the socket, sends the request frame and hands
// back the frames of that stream in order. Knows the frame envelope, not what a payload means.
import WebSocket from 'ws';
import { ProviderError, codeForStatus } from '../errors.js';
import { wsFrame, type WsFrame } from './wire.js';

export type StreamFrame =
  | { kind: 'message'; payload: unknown }
  | { kind: 'response'; status: number; payload: unknown };

export interface SocketCallOptions {
  url: string;
  /** The whole request frame, `streamId` included. */
  request: Record<string, unknown> & { streamId: string };
  handshakeTimeoutMs: number;
  /**
   * How long the connection may stay silent: no frame and no answer to our pings. A server that
   * accepted the call and went quiet, or a connection that died without a close, ends the stream
   * with UNAVAILABLE instead of hanging it forever.
   */
  idleTimeoutMs: number;
  signal?: AbortSignal;
  /** Names the call in error messages. */
  describe: string;
}

type Pending = { resolve: (value: IteratorResult<StreamFrame>) => void; reject: (error: unknown) => void };

/**
 * Frames of one stream, until a `response` frame, the socket closing, or `signal` aborting (all three
 * end the iteration; a failure to connect or an unreadable frame throws an `ProviderError`).
 * Breaking out of the loop closes the socket.
 */
export async function* socketCall(options: SocketCallOptions): AsyncGenerator<StreamFrame, void, undefined> {
  if (options.signal?.aborted) return;
  const queue: StreamFrame[] = [];
  let waiting: Pending | null = null;
  let failure: unknown = null;
  let ended = false;
  let upgradeStatus: number | null = null;

  const wake = (): void => {
    if (!waiting) return;
    const { resolve, reject } = waiting;
    if (queue.length > 0) {
      waiting = null;
      resolve({ value: queue.shift() as StreamFrame, done: false });
    } else if (failure !== null) {
      waiting = null;
      reject(failure);
    } else if (ended) {
      waiting = null;
      resolve({ value: undefined, done: true });
    }
  };
  const fail = (error: ProviderError): void => {
    if (failure === null && !ended) failure = error;
    ended = true;
    wake();
  };
  const error = (code: ProviderError['code'], detail: string, status: number | null = null, cause?: unknown): ProviderError =>
    new ProviderError({ code, provider: 'UCLOUD', status, message: `UCLOUD ${options.describe}: ${detail}`, cause });

  const socket = new WebSocket(options.url, { handshakeTimeout: options.handshakeTimeoutMs, perMessageDeflate: false });
  const onAbort = (): void => {
    ended = true;
    socket.terminate();
    wake();
  };
  // Liveness: any frame or pong is a sign of life; pings ask for one at a third of the idle limit.
  let idle: NodeJS.Timeout | null = null;
  let pinger: NodeJS.Timeout | null = null;
  const alive = (): void => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => {
      fail(error('UNAVAILABLE', `no frame and no pong for ${options.idleTimeoutMs} ms`));
      socket.terminate();
    }, options.idleTimeoutMs);
  };
  const stopLiveness = (): void => {
    if (idle) clearTimeout(idle);
    if (pinger) clearInterval(pinger);
    idle = null;
    pinger = null;
  };
  socket.on('pong', alive);
  options.signal?.addEventListener('abort', onAbort, { once: true });

  socket.on('unexpected-response', (_request, response) => {
    // The server refused the upgrade with a plain HTTP answer; terminate() ends the handshake.
    upgradeStatus = response.statusCode ?? 502;
    socket.terminate();
  });
  socket.on('open', () => {
    socket.send(JSON.stringify(options.request));
    alive();
    pinger = setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) socket.ping();
    }, Math.max(10, Math.floor(options.idleTimeoutMs / 3)));
  });
  socket.on('message', (data, isBinary) => {
    if (ended) return;
    alive();
    const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
    let frame: WsFrame;
    try {
      const parsed = wsFrame.safeParse(JSON.parse(text));
      if (!parsed.success) {
        fail(error('BAD_RESPONSE', 'unreadable frame envelope'));
        return;
      }
      frame = parsed.data;
    } catch (cause) {
      fail(error('BAD_RESPONSE', `invalid JSON in a frame (${(cause as Error).message})`));
      return;
    }
    if (frame.type === undefined || frame.streamId === undefined) return; // keep-alive
    if (frame.streamId !== options.request.streamId) return;
    if (frame.type === 'message') {
      queue.push({ kind: 'message', payload: frame.payload });
    } else if (frame.type === 'response') {
      queue.push({ kind: 'response', status: frame.status ?? 200, payload: frame.payload });
      ended = true;
    }
    wake();
  });
  socket.on('error', (cause: Error & { code?: string }) => {
    if (ended) return;
    if (upgradeStatus !== null) {
      fail(error(codeForStatus(upgradeStatus), `WebSocket upgrade answered HTTP ${upgradeStatus}`, upgradeStatus));
    } else if (/handshake has timed out/i.test(cause.message)) {
      fail(error('TIMEOUT', `no WebSocket handshake within ${options.handshakeTimeoutMs} ms`));
    } else {
      fail(error('UNAVAILABLE', `WebSocket failed (${cause.code ?? cause.message})`, null, cause));
    }
  });
  socket.on('close', () => {
    stopLiveness();
    if (upgradeStatus !== null && failure === null) {
      fail(error(codeForStatus(upgradeStatus), `WebSocket upgrade answered HTTP ${upgradeStatus}`, upgradeStatus));
      return;
    }
    ended = true;
    wake();
  });

  try {
    for (;;) {
      const next = await new Promise<IteratorResult<StreamFrame>>((resolve, reject) => {
        waiting = { resolve, reject };
        wake();
      });
      if (next.done) return;
      yield next.value;
      if (next.value.kind === 'response') return;
    }
  } finally {
    stopLiveness();
    options.signal?.removeEventListener('abort', onAbort);
    if (socket.readyState === WebSocket.OPEN) socket.close(1000);
    else if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
  }
}
