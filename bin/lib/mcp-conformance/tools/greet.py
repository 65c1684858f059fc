import json
import sys

# Registered with mcp.taskSupport "forbidden": answered at once, even to a client that takes tasks.
# Printed as a JSON string, so the text is exactly the greeting (plain output keeps its newline).
print(json.dumps(f"Hello, {json.load(sys.stdin)['name']}!"))
