import json
import sys
import time

# A task-supporting tool (mcp.taskSupport unset: optional): a client of the 2026-07-28 tasks
# extension gets a task it polls; a cancelled task's run is stopped by the sandbox.
args = json.load(sys.stdin)
seconds = args["seconds"]
time.sleep(seconds)
print(f"{args.get('label', 'slow_compute')}: computed after {seconds} s")
