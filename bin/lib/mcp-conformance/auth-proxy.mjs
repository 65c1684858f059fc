// The conformance suite has no way to send a bearer token: this proxy, on a loopback port, adds
// one to every request and passes everything else through untouched (Host and Origin included,
// so the registry's DNS-rebinding checks see what the suite sent; responses stream, so SSE works).
// Usage: node auth-proxy.mjs TARGET_ORIGIN  (BEARER_TOKEN in the environment); prints its port.
import http from "node:http";

const target = new URL(process.argv[2]);
const token = process.env.BEARER_TOKEN;

const server = http.createServer((request, response) => {
  const upstream = http.request({
    host: target.hostname, port: target.port, method: request.method, path: request.url,
    headers: { ...request.headers, authorization: `Bearer ${token}` },
  }, (answer) => {
    response.writeHead(answer.statusCode, answer.headers);
    answer.pipe(response);
  });
  upstream.on("error", (error) => {
    response.writeHead(502, { "Content-Type": "text/plain" });
    response.end(`proxy: ${error.message}`);
  });
  request.pipe(upstream);
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
