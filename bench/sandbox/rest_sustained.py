"""Sustained runs through POST /api/v1/executions of a running sandbox service: CALLERS threads,
each on its own keep-alive connection, post a trivial program back to back for SECONDS; prints
the runs per second, the answers' p50/p90 and how many ran warm (the answer's usage does not say:
read back from the stored executions afterwards, not timed). A 429 is counted and retried after
a short pause. Prints the figures as JSON; asserts nothing.

    python3 rest_sustained.py URL TOKEN CALLERS SECONDS [LANGUAGE]
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse

url, token, callers, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
language = sys.argv[5] if len(sys.argv) > 5 else "python"
code = {"python": "print(1)", "node": "console.log(1)", "bash": "echo 1"}[language]
parsed = urllib.parse.urlparse(url)
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
body = json.dumps({"language": language, "code": code})
lock = threading.Lock()
took_ms, ids, refused = [], [], [0]


def caller(until):
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    while time.monotonic() < until:
        start = time.perf_counter()
        connection.request("POST", "/api/v1/executions", body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        if response.status == 429:
            with lock:
                refused[0] += 1
            time.sleep(0.01)
            continue
        if response.status != 201:
            raise SystemExit("POST answered %d: %s" % (response.status, payload[:300]))
        result = json.loads(payload)
        with lock:
            took_ms.append((time.perf_counter() - start) * 1000)
            ids.append(result["id"])


def run(duration):
    threads = [threading.Thread(target=caller, args=(time.monotonic() + duration,)) for _ in range(callers)]
    begin = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - begin


run(3)  # warm-up: class loading, JIT, connection pools
time.sleep(1)
took_ms.clear(), ids.clear()
refused[0] = 0
elapsed = run(seconds)
done, answers = len(ids), sorted(took_ms)
connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
warm = 0
for run_id in ids:
    connection.request("GET", "/api/v1/executions/" + run_id, headers=headers)
    warm += 1 if json.loads(connection.getresponse().read()).get("warm") else 0
print(json.dumps({"runs": done, "runsPerSecond": done / elapsed, "p50": answers[len(answers) // 2] if answers else 0,
                  "p90": answers[int(len(answers) * 0.9)] if answers else 0, "warm": warm, "refused": refused[0]}))
