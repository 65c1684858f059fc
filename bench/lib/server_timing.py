"""The W3C Server-Timing header the sandbox answers a run with, read by the REST and invocation benchmarks."""


def server_timing(header):
    """A Server-Timing header's entries as {name: dur in ms} (entries without a dur left out)."""
    stages = {}
    for entry in (header or "").split(","):
        name, _, params = entry.strip().partition(";")
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "dur" and name:
                stages[name] = float(value)
    return stages
