import json
import sys

# Echoes its arguments: the point is the 2020-12 input schema ($schema, $defs, $ref) kept as registered.
print(json.dumps({"received": json.load(sys.stdin)}))
