"""POST /api/v1/executions against a running sandbox service, sequentially, one keep-alive
connection: for each run, the HTTP round trip and the wall time the service stored for the run
(usage.wallMs), and whether it ran warm. FORM is how the call is made: "json" (default, the plain
call), "key" (the plain call with a fresh Idempotency-Key each time), or "events" (what the registry
sends for a synchronous invocation: a fresh Idempotency-Key and Accept: text/event-stream, timed
until the stream's end, the result taken from its result event). Before each warm sample it waits until the readiness
check shows the pool full again (as the runner benchmark waits for its pool), so a sample never
competes with the previous one's refill. Prints the figures as JSON; asserts nothing.

    python3 rest_latency.py URL TOKEN N [LANGUAGE [FORM]]
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse
import uuid

url, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
language = sys.argv[4] if len(sys.argv) > 4 else "python"
form = sys.argv[5] if len(sys.argv) > 5 else "json"
if form not in ("json", "key", "events"):
    raise SystemExit("FORM must be json, key or events")
code = {"python": "print(1)", "node": "console.log(1)", "bash": "echo 1"}[language]
parsed = urllib.parse.urlparse(url)
connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
body = json.dumps({"language": language, "code": code})


def warm_sandboxes():
    connection.request("GET", "/q/health/ready")
    answer = json.loads(connection.getresponse().read())
    for check in answer.get("checks", []):
        if check.get("name") == "Sandbox isolation":
            return int(check.get("data", {}).get("warm." + language, 0))
    return 0


def pool_size():
    """The pool's size: the most warm sandboxes seen within a second once one is there."""
    deadline = time.monotonic() + 10
    while warm_sandboxes() < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    most, until = 0, time.monotonic() + 1
    while time.monotonic() < until:
        most = max(most, warm_sandboxes())
        time.sleep(0.01)
    return max(1, most)


FULL = pool_size()


def await_warm():
    """Until the pool is full again: the previous sample's refill and teardown are over."""
    deadline = time.monotonic() + 10
    while warm_sandboxes() < FULL and time.monotonic() < deadline:
        time.sleep(0.002)


def result_event(stream):
    """The data of the stream's result event (an error event ends the benchmark)."""
    for block in stream.decode().split("\n\n"):
        lines = block.split("\n")
        name = next((line[6:].strip() for line in lines if line.startswith("event:")), None)
        data = "\n".join(line[5:].lstrip() for line in lines if line.startswith("data:"))
        if name == "result":
            return data
        if name == "error":
            raise SystemExit("the stream ended with an error event: " + data[:300])
    raise SystemExit("the stream had no result event: %r" % stream[:300])


def post():
    sent = dict(headers)
    if form != "json":
        sent["Idempotency-Key"] = str(uuid.uuid4())
    if form == "events":
        sent["Accept"] = "text/event-stream"
    start = time.perf_counter()
    connection.request("POST", "/api/v1/executions", body=body, headers=sent)
    response = connection.getresponse()
    payload = response.read()
    took = (time.perf_counter() - start) * 1000
    if response.status != (200 if form == "events" else 201):
        raise SystemExit("POST answered %d: %s" % (response.status, payload[:300]))
    result = json.loads(result_event(payload) if form == "events" else payload)
    if result["status"] != "OK":
        raise SystemExit("the run ended %s: %s" % (result["status"], payload[:300]))
    # The answer does not say whether the run was warm; the stored execution does (not timed).
    connection.request("GET", "/api/v1/executions/" + result["id"], headers=headers)
    stored = json.loads(connection.getresponse().read())
    return took, result["usage"]["wallMs"], bool(stored.get("warm"))


for _ in range(5):  # warm-up: class loading, JIT, connection pools
    await_warm()
    post()
http_ms, wall_ms, warm = [], [], 0
for _ in range(n):
    await_warm()
    took, wall, was_warm = post()
    http_ms.append(took)
    wall_ms.append(wall)
    warm += 1 if was_warm else 0
# Back to back, without waiting for the pool: what sequential callers see.
seq_wall, seq_over, seq_warm = [], [], 0
for _ in range(n):
    took, wall, was_warm = post()
    seq_wall.append(wall)
    seq_over.append(took - wall)
    seq_warm += 1 if was_warm else 0
over = sorted(h - w for h, w in zip(http_ms, wall_ms))


def timed(method, path, payload=None, with_token=True):
    start = time.perf_counter()
    connection.request(method, path, body=payload, headers=headers if with_token else {})
    connection.getresponse().read()
    return (time.perf_counter() - start) * 1000


# Floors measured on the same connection: an HTTP answer with no work (liveness), and the REST
# path up to validation (authentication, the permission check, a 400 naming the field), no run, no row.
floor_http = [timed("GET", "/q/health/live", with_token=False) for _ in range(n)]
floor_rest = [timed("POST", "/api/v1/executions", json.dumps({"language": "cobol", "code": "x"})) for _ in range(n)]


def p(values, q):
    values = sorted(values)
    return values[max(0, min(len(values) - 1, int(round(q / 100 * len(values) + 0.5)) - 1))]


print(json.dumps({"n": n, "form": form, "warm": warm, "httpP50": p(http_ms, 50), "wallP50": p(wall_ms, 50), "wallP90": p(wall_ms, 90),
                  "overP50": p(over, 50), "overP90": p(over, 90), "seqWallP50": p(seq_wall, 50),
                  "seqOverP50": p(seq_over, 50), "seqWarm": seq_warm, "liveP50": p(floor_http, 50), "invalidP50": p(floor_rest, 50)}))
