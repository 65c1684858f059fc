"""What the sandbox REST benchmarks (rest_latency.py, rest_paced.py) share: one run through
POST /api/v1/executions in each request form, and percentiles.

The forms: "json" (the plain call), "key" (the plain call with a fresh Idempotency-Key), "events"
(what the registry sends for a synchronous invocation: a fresh Idempotency-Key and
Accept: text/event-stream, timed until the stream's end, the result taken from its result event).
"""
import json
import time
import uuid

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
    """(HTTP round trip in ms, the result document) of one run; anything but an OK run ends the benchmark."""
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
    return took, result


def p(values, q):
    values = sorted(values)
    return values[max(0, min(len(values) - 1, int(round(q / 100 * len(values) + 0.5)) - 1))]
