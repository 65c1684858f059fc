// Registers (or updates) the tools the conformance scenarios call, as ordinary registry tools.
// Usage: node register-tools.mjs REGISTRY_URL  (OWNER_TOKEN in the environment)
import { readFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const registry = process.argv[2].replace(/\/$/, "");
const headers = { "Content-Type": "application/json", Authorization: `Bearer ${process.env.OWNER_TOKEN}` };
const languages = { ".py": "python", ".js": "node", ".sh": "bash" };
const noArguments = { type: "object", properties: {}, additionalProperties: false };

for (const tool of JSON.parse(readFileSync(join(here, "tools.json"), "utf8"))) {
  const definition = {
    description: tool.description,
    tags: ["mcp-conformance"],
    functionSignature: tool.functionSignature ?? noArguments,
    implementation: {
      language: languages[extname(tool.file)],
      code: readFileSync(join(here, "tools", tool.file), "utf8"),
      // slow_compute sleeps up to a minute; the others end within a second or two.
      limits: { wallMs: 10000, ...tool.limits },
    },
    ...(tool.mcp && { mcp: tool.mcp }),
  };
  let response = await fetch(`${registry}/api/v1/tools`, {
    method: "POST", headers, body: JSON.stringify({ name: tool.name, ...definition }),
  });
  if (response.status === 409) {
    response = await fetch(`${registry}/api/v1/tools/${tool.name}`, {
      method: "PUT", headers, body: JSON.stringify(definition),
    });
  }
  if (!response.ok) {
    console.error(`could not register ${tool.name}: HTTP ${response.status} ${await response.text()}`);
    process.exit(1);
  }
  const detail = await response.json();
  if (detail.status !== "ACTIVE") {
    const enable = await fetch(`${registry}/api/v1/tools/${tool.name}/status`, {
      method: "PUT", headers, body: JSON.stringify({ status: "ACTIVE" }),
    });
    if (!enable.ok) {
      console.error(`could not enable ${tool.name}: HTTP ${enable.status}`);
      process.exit(1);
    }
  }
  console.error(`registered ${tool.name} (version ${detail.currentVersion})`);
}
