import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerParser, createHttp1Client, serialize } from './http1.ts';

describe('answer parser', () => {
  const collect = () => {
    const answers: { status: number; body: string; close: boolean }[] = [];
    const parser = createAnswerParser((status, body, close) => answers.push({ status, body: body.toString(), close }));
    return { answers, push: (...parts: string[]) => parts.forEach((p) => parser.push(Buffer.from(p))) };
  };

  it('reads a body by its length, however the bytes are split', () => {
    const { answers, push } = collect();
    push('HTTP/1.1 202 Accepted\r\nContent-Le', 'ngth: 5\r\n\r\nhel', 'lo');
    expect(answers).toEqual([{ status: 202, body: 'hello', close: false }]);
  });

  it('reads chunked bodies and two answers arriving together', () => {
    const { answers, push } = collect();
    push('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\nHTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    expect(answers).toEqual([
      { status: 200, body: 'abcde', close: false },
      { status: 404, body: '', close: true },
    ]);
  });

  it('reads a large body in many pieces, its head split inside the blank line', () => {
    const { answers, push } = collect();
    const body = 'x'.repeat(600_000);
    const raw = `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}HTTP/1.1 204 No Content\r\n\r\n`;
    const blank = raw.indexOf('\r\n\r\n');
    const pieces = [raw.slice(0, blank + 3), ...Array.from({ length: Math.ceil((raw.length - blank - 3) / 65536) }, (_, i) => raw.slice(blank + 3 + i * 65536, blank + 3 + (i + 1) * 65536))];
    push(...pieces);
    expect(answers.map((a) => [a.status, a.body.length])).toEqual([
      [200, 600_000],
      [204, 0],
    ]);
  });

  it('waits for the end of a chunked body split inside its size line', () => {
    const { answers, push } = collect();
    push('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1', '0\r\n01234567', '89abcdef\r', '\n0\r', '\n\r\n');
    expect(answers).toEqual([{ status: 200, body: '0123456789abcdef', close: false }]);
  });
});

describe('HTTP/1.1 client', () => {
  let server: http.Server;
  let url: string;
  const sockets = new Set<unknown>();
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      sockets.add(req.socket);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/chunked') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('part one, ');
          res.end('part two');
        } else if (req.url === '/close') {
          res.writeHead(503, { connection: 'close', 'content-length': 4 });
          res.end('gone');
        } else {
          res.writeHead(202, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ got: body, auth: req.headers.authorization ?? null }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('sends method, path, headers and body, and reuses its connections', async () => {
    const client = createHttp1Client(url, { maxSockets: 2 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.request(serialize({ method: 'POST', path: '/book', headers: { authorization: `Bearer t${i}` }, body: `seat ${i}` }, client.host))),
    );
    answers.forEach((a, i) => {
      expect(a).toMatchObject({ status: 202 });
      expect(JSON.parse((a as { body: Buffer }).body.toString())).toEqual({ got: `seat ${i}`, auth: `Bearer t${i}` });
    });
    expect(sockets.size).toBeLessThanOrEqual(2);
    client.close();
  });

  it('reads chunked answers and opens a new connection after the server closes one', async () => {
    const client = createHttp1Client(url, { maxSockets: 1 });
    const chunked = await client.request(serialize({ method: 'GET', path: '/chunked' }, client.host));
    expect(chunked).toEqual({ status: 200, body: Buffer.from('part one, part two') });
    expect(await client.request(serialize({ method: 'GET', path: '/close' }, client.host))).toEqual({ status: 503, body: Buffer.from('gone') });
    expect(await client.request(serialize({ method: 'POST', path: '/book', body: 'x' }, client.host))).toMatchObject({ status: 202 });
    client.close();
  });

  it('reports a connection refused as an error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = createHttp1Client(`http://127.0.0.1:${port}`);
    expect(await client.request(serialize({ method: 'GET', path: '/' }, client.host))).toEqual({ error: expect.stringContaining('ECONNREFUSED') });
    client.close();
  });
});
