# A tiny WAV (16 samples of silence) as an MCP audio block, through the output envelope.
wav=UklGRjQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YRAAAACAgICAgICAgICAgICAgICA
printf '{"$mcp": {"content": [{"type": "audio", "data": "%s", "mimeType": "audio/wav"}]}}\n' "$wav"
