import json
import sys
import time


def log(level, message):
    # One event per line on stderr, with the ::prometheus:: prefix: forwarded as notifications/message.
    print("::prometheus:: " + json.dumps({"level": level, "message": message}), file=sys.stderr, flush=True)


log("info", "Tool execution started")
time.sleep(0.05)
log("info", "Tool processing data")
time.sleep(0.05)
log("info", "Tool execution completed")
print("Tool with logging executed successfully")
