// Egress preload for node, mounted read-only and loaded with NODE_OPTIONS=--require in runs with a
// network policy. Node 20 ignores HTTP_PROXY: its fetch connects directly, and so do the default
// agents of http and https. This sends all three through the sandbox's egress proxy, every
// connection as a CONNECT tunnel (TLS runs end to end inside it); hosts in NO_PROXY (the sandbox's
// own loopback) stay direct. Code that brings its own agent or socket is not changed: it finds no
// network but the proxy either way.
'use strict';
(() => {
  const proxyUrl = process.env.HTTPS_PROXY || process.env.https_proxy || process.env.HTTP_PROXY || process.env.http_proxy;
  if (!proxyUrl) {
    return;
  }
  const http = require('http');
  const https = require('https');
  const net = require('net');
  const tls = require('tls');
  const { Readable } = require('stream');
  const proxy = new URL(proxyUrl);
  const direct = new Set((process.env.NO_PROXY || process.env.no_proxy || '').split(',')
    .map((host) => host.trim().toLowerCase()).filter(Boolean));
  const bare = (host) => String(host || '').replace(/^\[|\]$/g, '').toLowerCase();
  const bypass = (host) => direct.has(bare(host));
  // The connection to the proxy itself: a plain agent (agent: false would build one of ours).
  const toProxy = new http.Agent({ keepAlive: false });

  /** Asks the proxy for a tunnel to host:port; calls back with the raw socket or the proxy's refusal. */
  function tunnel(host, port, callback) {
    const name = bare(host);
    const authority = `${name.includes(':') ? `[${name}]` : name}:${port}`;
    const request = http.request({
      host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: authority,
      headers: { host: authority }, agent: toProxy,
    });
    request.once('connect', (response, socket, head) => {
      if (response.statusCode === 200) {
        if (head && head.length) {
          socket.unshift(head);
        }
        callback(null, socket);
        return;
      }
      let body = head ? head.toString() : '';
      const fail = () => {
        socket.destroy();
        const error = new Error(body.trim() || `egress proxy answered ${response.statusCode} for CONNECT ${authority}`);
        error.code = 'EGRESS_DENIED';
        error.statusCode = response.statusCode;
        callback(error);
      };
      const timer = setTimeout(fail, 200);
      socket.on('data', (chunk) => {
        body += chunk.toString();
        clearTimeout(timer);
        fail();
      });
    });
    request.once('error', callback);
    request.end();
  }

  class TunnelAgent extends http.Agent {
    createConnection(options, callback) {
      if (bypass(options.host)) {
        return super.createConnection(options, callback);
      }
      tunnel(options.host, options.port || 80, callback);
      return undefined;
    }
  }

  class TlsTunnelAgent extends https.Agent {
    createConnection(options, callback) {
      if (bypass(options.host)) {
        return super.createConnection(options, callback);
      }
      tunnel(options.host, options.port || 443, (error, socket) => {
        if (error) {
          callback(error);
          return;
        }
        const servername = options.servername || (net.isIP(bare(options.host)) ? undefined : bare(options.host));
        callback(null, tls.connect({ ...options, socket, servername }));
      });
      return undefined;
    }
  }

  http.globalAgent = new TunnelAgent({ keepAlive: true });
  https.globalAgent = new TlsTunnelAgent({ keepAlive: true });

  const REDIRECTS = new Set([301, 302, 303, 307, 308]);
  const NULL_BODY = new Set([101, 204, 205, 304]);

  /** fetch on top of http/https (and so through the tunnels above); follows up to 20 redirects. */
  async function proxiedFetch(input, init) {
    let request = new Request(input, init);
    let body = request.body ? Buffer.from(await request.arrayBuffer()) : null;
    for (let hop = 0; hop <= 20; hop++) {
      const url = new URL(request.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new TypeError(`fetch failed: unsupported protocol ${url.protocol}`);
      }
      const response = await send(url, request, body);
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || !location || request.redirect !== 'follow') {
        return response;
      }
      if (response.body) {
        await response.body.cancel();
      }
      const next = new URL(location, url);
      const toGet = response.status === 303 || ((response.status === 301 || response.status === 302) && request.method === 'POST');
      request = new Request(next, { method: toGet ? 'GET' : request.method, headers: request.headers, redirect: request.redirect, signal: request.signal });
      if (toGet) {
        body = null;
      }
    }
    throw new TypeError('fetch failed: too many redirects');
  }

  function send(url, request, body) {
    return new Promise((resolve, reject) => {
      const library = url.protocol === 'https:' ? https : http;
      const headers = {};
      request.headers.forEach((value, key) => { headers[key] = value; });
      const outgoing = library.request(url, { method: request.method, headers, signal: request.signal }, (incoming) => {
        const responseHeaders = new Headers();
        for (const [key, value] of Object.entries(incoming.headers)) {
          for (const one of Array.isArray(value) ? value : [value]) {
            responseHeaders.append(key, one);
          }
        }
        const empty = NULL_BODY.has(incoming.statusCode) || request.method === 'HEAD';
        if (empty) {
          incoming.resume();
        }
        const response = new Response(empty ? null : Readable.toWeb(incoming), {
          status: incoming.statusCode, statusText: incoming.statusMessage, headers: responseHeaders,
        });
        Object.defineProperty(response, 'url', { value: url.href });
        resolve(response);
      });
      outgoing.once('error', (error) => reject(Object.assign(new TypeError('fetch failed'), { cause: error })));
      outgoing.end(body || undefined);
    });
  }

  globalThis.fetch = proxiedFetch;
})();
