// A 1x1 red PNG as an MCP image block, through the output envelope.
const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
console.log(JSON.stringify({ $mcp: { content: [{ type: "image", data: png, mimeType: "image/png" }] } }));
