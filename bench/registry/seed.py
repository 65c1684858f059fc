"""Registers N tools through the registry's REST API (8 threads) and prints their names."""
import json
import random
import sys
import threading
import urllib.error
import urllib.request

registry, token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
WORDS = ["weather", "forecast", "currency", "convert", "search", "translate", "summarize", "calendar", "email",
         "invoice", "geocode", "stock", "news", "image", "resize", "sql", "query", "ticket", "deploy", "metrics"]
run = random.randrange(1 << 30)
names = []
lock = threading.Lock()


def register(i):
    a, b = random.sample(WORDS, 2)
    name = f"bench_{run}_{i}_{a}"
    body = {
        "name": name,
        "description": f"{a.title()} and {b} helper number {i} for benchmark agents",
        "tags": ["bench", a, b],
        "functionSignature": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]},
        "implementation": {"language": "python", "code": "import json,sys; print(json.dumps(json.load(sys.stdin)))"},
    }
    request = urllib.request.Request(f"{registry}/api/v1/tools", data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.status == 201:
                with lock:
                    names.append(name)
    except urllib.error.HTTPError as e:
        print(f"register {name}: HTTP {e.code}", file=sys.stderr)


def worker(start):
    for i in range(start, count, 8):
        register(i)


threads = [threading.Thread(target=worker, args=(s,)) for s in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for name in names:
    print(name)
