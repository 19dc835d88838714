// What the fake web answers, for both browsers: a served page under its real URL, a tiny PNG
// for Amazon image hosts, 404 for any other Amazon URL, and nothing at all (aborted) for every
// other host. Chromium asks through Playwright's context.route (tests/e2e/harness.mjs);
// Firefox through `proxy()` below, a local HTTP proxy that Firefox is pointed at by prefs and
// that answers HTTPS itself (CONNECT → TLS with a throw-away certificate, accepted by the
// session's acceptInsecureCerts). The proxy sees every request Firefox makes, including the
// background page's own fetches (scheduled re-checks). Nothing leaves the machine.
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { TINY_PNG } from '../harness.mjs';

export const IMAGE_HOST = /(^|\.)((media|ssl-images|images)-amazon\.com|images-amazon\.com)$/;
export const AMAZON_HOST = /(^|\.)amazon\.(com|ca|com\.mx|com\.br|co\.uk|de|fr|it|es|nl|se|pl|com\.be|com\.tr|ae|sa|eg|in|co\.jp|sg|com\.au|cn|ie|co\.za)$/;

/**
 * The answer for `url` given the served `pages` (Map url-without-hash → {body, contentType}):
 * `{status, contentType, body}`, or null when the request must fail (not an Amazon host).
 * `imageFor(url)` may give an Amazon image's PNG bytes (else the tiny PNG).
 */
export function answer(url, pages, imageFor = null) {
  const key = url.split('#')[0];
  if (pages.has(key)) {
    const p = pages.get(key);
    return { status: 200, contentType: p.contentType, body: p.body };
  }
  const host = new URL(url).hostname;
  if (IMAGE_HOST.test(host)) return { status: 200, contentType: 'image/png', body: (imageFor && imageFor(url)) || TINY_PNG };
  if (AMAZON_HOST.test(host)) return { status: 404, contentType: 'text/plain', body: '' };
  return null;
}

/** A throw-away self-signed certificate (openssl), written into `dir`. */
function certificate(dir) {
  const key = path.join(dir, 'proxy-key.pem');
  const cert = path.join(dir, 'proxy-cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=catalog-guard-e2e',
  ], { stdio: 'ignore' });
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

/**
 * Starts the proxy on 127.0.0.1 (a free port): `{port, requests, serveImages(fn), close()}`;
 * `requests` lists every URL asked for, in order. `dir` holds the certificate.
 */
export async function proxy(pages, dir) {
  let imageFor = null;
  const requests = [];
  const sockets = new Set();
  const reply = (url, res) => {
    requests.push(url);
    const a = answer(url, pages, imageFor);
    if (!a) {
      res.socket?.destroy();
      return;
    }
    res.writeHead(a.status, { 'content-type': a.contentType, 'cache-control': 'no-store' });
    res.end(a.body);
  };
  const tls = https.createServer(certificate(dir), (req, res) => reply(`https://${req.headers.host}${req.url}`, res));
  const server = http.createServer((req, res) => reply(req.url, res)); // plain http: absolute URLs
  server.on('connect', (req, socket, head) => {
    const [host, port] = String(req.url).split(':');
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (port !== '443' || !(AMAZON_HOST.test(host) || IMAGE_HOST.test(host))) {
      requests.push(`https://${host}/ (refused)`);
      socket.destroy();
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head && head.length) socket.unshift(head);
    tls.emit('connection', socket);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    requests,
    serveImages(fn) {
      imageFor = fn;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
      tls.close();
    },
  };
}
