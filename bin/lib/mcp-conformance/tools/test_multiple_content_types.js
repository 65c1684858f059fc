// Text, an image and an embedded resource in one result.
const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
console.log(JSON.stringify({ $mcp: { content: [
  { type: "text", text: "Multiple content types test:" },
  { type: "image", data: png, mimeType: "image/png" },
  { type: "resource", resource: { uri: "test://mixed-content-resource", mimeType: "application/json",
      text: JSON.stringify({ test: "data", value: 123 }) } },
] } }));
