/**
 * A lean HTTP/1.1 client for the open loop: keep-alive sockets, one request
 * at a time on each, requests written as one buffer and answers parsed just
 * enough to get the status and the body. Against a trivial server at 1,500
 * req/s it cost 0.11-0.12 ms of CPU per request where node:http's client
 * cost 0.26-0.29 ms (docs/benchmarks.md): on a 2-core machine the load
 * generator's own CPU is taken from the system it measures.
 */
import net from 'node:net';
import type { LoadRequest } from './load-types.ts';

export type Answer = { status: number; body: Buffer } | { error: string };

/** The request as it goes on the wire. */
export function serialize(request: LoadRequest, host: string): Buffer {
  const body = request.body === undefined ? null : Buffer.from(request.body);
  let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (name.toLowerCase() !== 'content-length') head += `${name}: ${value}\r\n`;
  }
  if (body) head += `content-length: ${body.length}\r\n`;
  const start = Buffer.from(`${head}\r\n`, 'latin1');
  return body ? Buffer.concat([start, body]) : start;
}

/**
 * Reads answers from a byte stream: `push` each chunk as it arrives; every
 * complete answer is handed to `onAnswer` (with whether the server will
 * close the connection after it). A body is copied once, when complete:
 * a 600 KB seat map arrives in dozens of chunks.
 */
export function createAnswerParser(onAnswer: (status: number, body: Buffer, close: boolean) => void) {
  /** Bytes of a head or a chunk-size line not complete yet (small). */
  let line: Buffer = Buffer.alloc(0);
  let status = 0;
  let close = false;
  /** Where the parser is: reading a head, body bytes (`remaining` of them), a chunk-size line, or the CRLF after a chunk or the last one. */
  let state: 'head' | 'body' | 'size' | 'chunk' | 'chunk-end' | 'last' = 'head';
  let chunked = false;
  let remaining = 0;
  let parts: Buffer[] = [];

  const finish = () => {
    const body = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    parts = [];
    state = 'head';
    onAnswer(status, body, close);
  };
  const readHead = (head: string) => {
    const lines = head.split('\r\n');
    status = Number(lines[0]!.split(' ')[1]);
    close = false;
    chunked = false;
    remaining = 0;
    for (const l of lines.slice(1)) {
      const colon = l.indexOf(':');
      const name = l.slice(0, colon).trim().toLowerCase();
      const value = l.slice(colon + 1).trim().toLowerCase();
      if (name === 'content-length') remaining = Number(value);
      else if (name === 'transfer-encoding' && value.includes('chunked')) chunked = true;
      else if (name === 'connection' && value === 'close') close = true;
    }
    if (chunked) state = 'size';
    else if (remaining > 0) state = 'body';
    else finish();
  };
  /** Takes bytes of `data` from `at` until `marker` ends a line-like unit; the unit's text, or null (all taken, not complete). */
  const upTo = (data: Buffer, at: number, marker: string): { text: string; next: number } | null => {
    const joined = line.length > 0 ? Buffer.concat([line, data.subarray(at)]) : data.subarray(at);
    const end = joined.indexOf(marker);
    if (end < 0) {
      line = Buffer.from(joined);
      return null;
    }
    const consumed = end + marker.length - line.length;
    line = Buffer.alloc(0);
    return { text: joined.subarray(0, end).toString('latin1'), next: at + consumed };
  };

  return {
    push(data: Buffer) {
      let at = 0;
      while (at < data.length) {
        if (state === 'head' || state === 'size' || state === 'chunk-end' || state === 'last') {
          const unit = upTo(data, at, state === 'head' ? '\r\n\r\n' : '\r\n');
          if (!unit) return;
          at = unit.next;
          if (state === 'head') readHead(unit.text);
          else if (state === 'chunk-end') state = 'size';
          else if (state === 'last') finish(); // no trailers are sent to us
          else {
            remaining = parseInt(unit.text, 16);
            state = remaining === 0 ? 'last' : 'chunk';
          }
          continue;
        }
        const take = Math.min(remaining, data.length - at);
        parts.push(data.subarray(at, at + take));
        at += take;
        remaining -= take;
        if (remaining > 0) return;
        if (state === 'body') finish();
        else state = 'chunk-end';
      }
    },
  };
}

interface Connection {
  socket: net.Socket;
  waiting: ((answer: Answer) => void) | null;
  timer: NodeJS.Timeout | null;
}

/** Keep-alive connections to `url`; a request waits for a free one beyond `maxSockets`. */
export function createHttp1Client(url: string, { maxSockets = 512, timeoutMs = 10_000 } = {}) {
  const target = new URL(url);
  const idle: Connection[] = [];
  const queued: { raw: Buffer; resolve: (answer: Answer) => void }[] = [];
  const all = new Set<Connection>();

  const settle = (c: Connection, answer: Answer) => {
    const resolve = c.waiting;
    c.waiting = null;
    if (c.timer) clearTimeout(c.timer);
    c.timer = null;
    resolve?.(answer);
  };
  const drop = (c: Connection, why: string) => {
    all.delete(c);
    const at = idle.indexOf(c);
    if (at >= 0) idle.splice(at, 1);
    c.socket.destroy();
    settle(c, { error: why });
    next();
  };
  const open = (): Connection => {
    const c: Connection = { socket: net.connect(Number(target.port || 80), target.hostname), waiting: null, timer: null };
    c.socket.setNoDelay(true);
    const parser = createAnswerParser((status, body, close) => {
      settle(c, { status, body });
      if (close) drop(c, 'closed by the server');
      else release(c);
    });
    c.socket.on('data', (chunk: Buffer) => parser.push(chunk));
    c.socket.on('error', (error) => drop(c, error.message));
    c.socket.on('close', () => {
      if (all.has(c)) drop(c, 'connection closed');
    });
    all.add(c);
    return c;
  };
  const send = (c: Connection, raw: Buffer, resolve: (answer: Answer) => void) => {
    c.waiting = resolve;
    c.timer = setTimeout(() => drop(c, `no answer in ${timeoutMs} ms`), timeoutMs);
    c.socket.write(raw);
  };
  const release = (c: Connection) => {
    const job = queued.shift();
    if (job) send(c, job.raw, job.resolve);
    else idle.push(c);
  };
  const next = () => {
    while (queued.length > 0 && all.size < maxSockets) {
      const job = queued.shift()!;
      send(open(), job.raw, job.resolve);
    }
  };

  return {
    host: target.host,
    request(raw: Buffer): Promise<Answer> {
      return new Promise((resolve) => {
        const c = idle.pop() ?? (all.size < maxSockets ? open() : null);
        if (c) send(c, raw, resolve);
        else queued.push({ raw, resolve });
      });
    },
    close() {
      for (const c of [...all]) drop(c, 'client closed');
    },
  };
}
