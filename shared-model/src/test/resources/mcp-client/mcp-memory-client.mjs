// Gives an agent memory through the memory guild's /mcp the way an MCP host does, with the official
// SDK clients: v2 (@modelcontextprotocol/client) pinned to 2026-07-28 or in 'auto' mode, or 1.x
// (@modelcontextprotocol/sdk) on 2025-11-25 sessions.
// Usage: node mcp-memory-client.mjs <mcp-url> <bearer-token> <pin|auto|v1> <context-name>
// Prints one JSON object per line; the Java test reads them in order.
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

const [url, token, mode, contextName] = process.argv.slice(2);
const say = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
const fail = (message) => { say('error', { message: String(message) }); process.exit(1); };
setTimeout(() => fail('timed out'), 60_000).unref();

const headers = { Authorization: `Bearer ${token}` };
const info = { name: 'prometheus-memory-host', version: '1.0.0' };
const legacy = mode === 'v1';
const client = legacy
  ? new ClientV1(info)
  : new ClientV2(info, { versionNegotiation: { mode: mode === 'auto' ? 'auto' : { pin: '2026-07-28' } } });
const transport = legacy
  ? new TransportV1(new URL(url), { requestInit: { headers } })
  : new TransportV2(new URL(url), { requestInit: { headers } });

let updated;
const update = new Promise((resolve) => { updated = resolve; });
const onUpdated = (n) => updated(n.params?.uri ?? n.uri);
if (legacy) client.setNotificationHandler(ResourceUpdatedNotificationSchema, onUpdated);
else client.setNotificationHandler('notifications/resources/updated', onUpdated);

const call = async (name, args) => {
  const result = await client.callTool({ name, arguments: args });
  return { isError: result.isError ?? false, structured: result.structuredContent, text: result.content?.[0]?.text };
};

try {
  await client.connect(transport);
  say('connected', { legacy, server: client.getServerVersion(), capabilities: client.getServerCapabilities() });

  const listed = await client.listTools();
  say('listed', { tools: listed.tools.map((t) => ({ name: t.name, title: t.title, annotations: t.annotations })) });

  const created = await call('create_context', { name: contextName });
  const contextId = created.structured?.context?.id;
  if (!contextId) fail(`create_context gave no context id: ${JSON.stringify(created)}`);
  say('created', { contextId });

  const remembered = await call('remember', {
    contextId, content: 'The staging database is restored from the Sunday snapshot', kind: 'fact', key: 'staging-restore' });
  say('remembered', remembered);

  const recalled = await call('recall', { contextId, query: 'how is staging restored', mode: 'lexical', k: 5 });
  say('recalled', recalled);

  say('bad', await call('recall', { contextId, query: 'x', mode: 'telepathic' }));

  const uri = `memory://contexts/${contextId}`;
  const read = await client.readResource({ uri });
  say('read', { uri: read.contents?.[0]?.uri, text: read.contents?.[0]?.text });

  if (legacy) await client.subscribeResource({ uri });
  else await client.listen({ resourceSubscriptions: [uri] });
  say('subscribed', { uri });
  await call('remember', { contextId, content: 'Snapshots are kept for thirty days', kind: 'fact' });
  say('updated', { uri: await update });

  await client.close();
  process.exit(0);
} catch (e) {
  fail(e?.stack ?? e);
}
