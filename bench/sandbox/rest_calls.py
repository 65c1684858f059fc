"""What the sandbox REST benchmarks (rest_latency.py, rest_paced.py) share: one run through
POST /api/v1/executions in each request form, and percentiles.

The forms: "json" (the plain call), "key" (the plain call with a fresh Idempotency-Key), "events"
(what the registry sends for a synchronous invocation: a fresh Idempotency-Key and
Accept: text/event-stream, timed until the stream's end, the result taken from its result event).

The run's wall time: the JSON answer's Server-Timing header gives it to the microsecond
(run;dur=…); usage.wallMs, cut to whole milliseconds, is about 0.5 ms short of it on average. A
stream's headers go out before the run, so its figure (and that of a service from before the
header) is usage.wallMs.
"""
import json
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from server_timing import server_timing  # noqa: E402

FORMS = ("json", "key", "events")


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


def post(connection, headers, body, form):
    """(HTTP round trip in ms, the result document, the run's wall time in ms, the answer's
    Server-Timing stages) of one run: the wall is the stages' run when there is one, else
    usage.wallMs. Anything but an OK run ends the benchmark."""
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
    stages = server_timing(response.getheader("Server-Timing"))
    return took, result, stages.get("run", result["usage"]["wallMs"]), stages


def p(values, q):
    values = sorted(values)
    return values[max(0, min(len(values) - 1, int(round(q / 100 * len(values) + 0.5)) - 1))]
