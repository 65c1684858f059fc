# Egress probe, run the same way bare on the host and inside a sandbox with a network policy:
# N small GETs on fresh connections (urllib opens one per request), N connection set-ups (a TCP
# connect directly; a CONNECT tunnel through the proxy when a proxy is set), and one download.
# Prints one JSON line of figures in milliseconds and MB/s.
import json, os, socket, sys, time, urllib.request

host, port, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
proxy = os.environ.get('http_proxy')
base = 'http://%s:%d' % (host, port)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


gets = []
for _ in range(n):
    start = time.perf_counter()
    urllib.request.urlopen(base + '/small.json', timeout=10).read()
    gets.append((time.perf_counter() - start) * 1000)

setups = []
for _ in range(n):
    start = time.perf_counter()
    if proxy:
        connection = socket.create_connection(('127.0.0.1', int(proxy.rsplit(':', 1)[1])), timeout=10)
        connection.sendall(('CONNECT %s:%d HTTP/1.1\r\nHost: %s:%d\r\n\r\n' % (host, port, host, port)).encode())
        answer = connection.recv(1024)
        assert answer.startswith(b'HTTP/1.1 200'), answer
    else:
        connection = socket.create_connection((host, port), timeout=10)
    setups.append((time.perf_counter() - start) * 1000)
    connection.close()

start = time.perf_counter()
received = len(urllib.request.urlopen(base + '/big.bin', timeout=60).read())
seconds = time.perf_counter() - start
assert received == size, received
print(json.dumps({'getP50': percentile(gets, 0.5), 'getP90': percentile(gets, 0.9),
                  'setupP50': percentile(setups, 0.5), 'setupP90': percentile(setups, 0.9),
                  'downloadMs': seconds * 1000, 'mbPerSecond': size / 1048576 / seconds}))
