// Talks to the registry's MCP endpoint the way an MCP host does, with the official SDK client.
// Usage: node mcp-client.mjs <mcp-url> <bearer-token> <tool-to-call> <arguments-json> <bad-arguments-json> [<rich-tool>]
// Prints one JSON object per line; the Java test reads them in order and answers on stdin.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import readline from 'node:readline';

const [url, token, toolName, argumentsJson, badArgumentsJson, richTool] = process.argv.slice(2);
const say = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
const fail = (message) => { say('error', { message: String(message) }); process.exit(1); };
setTimeout(() => fail('timed out'), 60_000).unref();

const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const client = new Client({ name: 'prometheus-test-host', version: '1.0.0' });

let listChanged;
const changed = new Promise((resolve) => { listChanged = resolve; });
client.setNotificationHandler(ToolListChangedNotificationSchema, () => listChanged());
const logs = [];
client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => { logs.push(notification.params); });

try {
  await client.connect(transport);
  say('connected', { server: client.getServerVersion(), capabilities: client.getServerCapabilities() });

  const listed = await client.listTools();
  say('listed', { tools: listed.tools.map((t) => ({ name: t.name, required: t.inputSchema?.required ?? [] })) });

  const called = await client.callTool({ name: toolName, arguments: JSON.parse(argumentsJson) });
  say('called', { isError: called.isError ?? false, text: called.content?.[0]?.text, structured: called.structuredContent });

  const bad = await client.callTool({ name: toolName, arguments: JSON.parse(badArgumentsJson) });
  say('called-bad', { isError: bad.isError ?? false, text: bad.content?.[0]?.text });

  if (richTool) {
    // Rich content, progress, and log lines at or above the level this session sets.
    await client.setLoggingLevel('warning');
    const progress = [];
    const rich = await client.callTool({ name: richTool, arguments: {} }, undefined, { onprogress: (p) => progress.push(p) });
    say('rich', { isError: rich.isError ?? false, content: rich.content, structured: rich.structuredContent, progress, logs });
  }

  // The same call as a task (2025-11-25 experimental tasks): created, polled, its result fetched.
  const steps = [];
  for await (const message of client.experimental.tasks.callToolStream(
    { name: toolName, arguments: JSON.parse(argumentsJson) }, undefined, { task: { ttl: 60_000 } })) {
    steps.push(message.type === 'result'
      ? { type: 'result', isError: message.result.isError ?? false, structured: message.result.structuredContent }
      : { type: message.type, status: message.task?.status, taskId: message.task?.taskId, error: message.error?.message });
  }
  say('task', { steps });

  // Wait for the Java side to change the tool set, and for the server to say so.
  say('waiting');
  await changed;
  say('list-changed');
  await client.close();
  process.exit(0);
} catch (e) {
  fail(e?.stack ?? e);
}
