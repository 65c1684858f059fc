// Talks to an MCP endpoint with the official SDK v2 client (@modelcontextprotocol/client), on the
// stateless revision: pinned to 2026-07-28, or 'auto' (server/discover first).
// Usage: node mcp-client-v2.mjs <mcp-url> <bearer-token> <pin|auto> <tool-to-call> <arguments-json> [<rich-tool>]
// Prints one JSON object per line; the Java test reads them in order.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const [url, token, mode, toolName, argumentsJson, richTool] = process.argv.slice(2);
const say = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
const fail = (message) => { say('error', { message: String(message) }); process.exit(1); };
setTimeout(() => fail('timed out'), 60_000).unref();

let changed;
const listChanged = new Promise((resolve) => { changed = resolve; });
const client = new Client({ name: 'prometheus-test-host-v2', version: '1.0.0' }, {
  versionNegotiation: { mode: mode === 'auto' ? 'auto' : { pin: '2026-07-28' } },
  listChanged: { tools: { debounceMs: 0, onChanged: (error, tools) => changed({ error: error?.message, tools: tools?.map((t) => t.name) }) } },
});
// Log lines the server forwards from running tools (2026-07-28: at the level the request's _meta asks for).
const logs = [];
client.setNotificationHandler('notifications/message', (notification) => { logs.push(notification.params); });
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});

try {
  await client.connect(transport);
  say('connected', { version: client.getNegotiatedProtocolVersion?.() ?? transport.protocolVersion,
    server: client.getServerVersion(), capabilities: client.getServerCapabilities() });

  const listed = await client.listTools();
  say('listed', { tools: listed.tools.map((t) => ({ name: t.name, title: t.title, annotations: t.annotations })) });

  const progress = [];
  const called = await client.callTool({ name: toolName, arguments: JSON.parse(argumentsJson) },
    { onprogress: (p) => progress.push(p) });
  say('called', { isError: called.isError ?? false, content: called.content, structured: called.structuredContent, progress });

  if (richTool) {
    const richProgress = [];
    // 2026-07-28 has no logging/setLevel: a request asks for log lines at a level in its _meta.
    const rich = await client.callTool(
      { name: richTool, arguments: {}, _meta: { 'io.modelcontextprotocol/logLevel': 'info' } },
      { onprogress: (p) => richProgress.push(p) });
    say('rich', { isError: rich.isError ?? false, content: rich.content, structured: rich.structuredContent, progress: richProgress, logs });
  }

  say('waiting');
  say('list-changed', await listChanged);
  await client.close();
  process.exit(0);
} catch (e) {
  fail(e?.stack ?? e);
}
