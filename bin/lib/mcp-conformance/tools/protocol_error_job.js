// A protocol error instead of a result: the output envelope's "error" (a JSON-RPC error object).
// tools/call answers it as a JSON-RPC error; as a task, the task ends "failed" with it inline.
console.log(JSON.stringify({
  $mcp: { error: { code: -32603, message: "protocol_error_job failed inside the protocol, on purpose" } },
}));
