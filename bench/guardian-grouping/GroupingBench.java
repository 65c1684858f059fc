package ai.prometheus.bench.grouping;

import ai.prometheus.guardian.group.GroupingV1;
import ai.prometheus.shared.event.ErrorReported;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How long the guardian spends fingerprinting one error (GroupingV1), and how much it allocates,
 * on realistic inputs. Single thread; prints a table. Numbers vary with the machine and its load:
 * compare runs on the same machine only.
 */
public class GroupingBench {

    static final int WARMUP = 20_000;
    static final int ROUNDS = 9;
    static final int PER_ROUND = 20_000;

    public static void main(String[] args) {
        List<Object[]> cases = List.of(
                new Object[] {"java, 60 frames, 1 cause", error("java.lang.IllegalStateException", "pool exhausted", javaTrace())},
                new Object[] {"python, 12 frames", error("requests.exceptions.HTTPError", "503 for url", pythonTrace())},
                new Object[] {"node, 10 frames", error("TypeError", "Cannot read properties of undefined", nodeTrace())},
                new Object[] {"message only, 5 variable parts", error("tool.invocation.runtime_error",
                        "ZeroDivisionError at line 12 for request 0b9a1c52-2f1e-4c57-9d3e-0f5b7c9a1e22 from 10.0.4.17:5432"
                                + " (user 'alice@example.org', attempt 3)", null)},
                new Object[] {"message only, 10 000 chars", error("tool.invocation.runtime_error", "x1 y".repeat(2_500), null)});
        GroupingV1 v1 = new GroupingV1();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        System.out.printf("%-34s %12s %12s %14s%n", "input", "median µs", "errors/s", "bytes/error");
        for (Object[] c : cases) {
            ErrorReported error = (ErrorReported) c[1];
            int sink = 0;
            for (int i = 0; i < WARMUP; i++) {
                sink += v1.fingerprint(error).hash().length();
            }
            double[] micros = new double[ROUNDS];
            long allocated = 0;
            for (int r = 0; r < ROUNDS; r++) {
                long bytesBefore = threads.getThreadAllocatedBytes(self);
                long start = System.nanoTime();
                for (int i = 0; i < PER_ROUND; i++) {
                    sink += v1.fingerprint(error).hash().length();
                }
                micros[r] = (System.nanoTime() - start) / 1000.0 / PER_ROUND;
                allocated += threads.getThreadAllocatedBytes(self) - bytesBefore;
            }
            Arrays.sort(micros);
            double median = micros[ROUNDS / 2];
            System.out.printf("%-34s %12.2f %12.0f %14d%n", c[0], median, 1_000_000 / median,
                    allocated / ((long) ROUNDS * PER_ROUND));
            if (sink == 42) {
                System.out.println();
            }
        }
    }

    static ErrorReported error(String type, String message, String stack) {
        return new ErrorReported("bench-service", type, message, stack, null, Map.of(), Instant.now());
    }

    static String javaTrace() {
        StringBuilder trace = new StringBuilder("java.lang.IllegalStateException: pool exhausted\n");
        for (int i = 0; i < 8; i++) {
            trace.append("\tat ai.acme.store.Layer").append(i).append(".call(Layer").append(i).append(".java:").append(40 + i).append(")\n");
        }
        for (int i = 0; i < 40; i++) {
            trace.append("\tat io.vertx.core.impl.ContextImpl.emit").append(i).append("(ContextImpl.java:342)\n");
        }
        trace.append("Caused by: java.net.ConnectException: Connection refused\n");
        for (int i = 0; i < 12; i++) {
            trace.append("\tat java.base/sun.nio.ch.Net.poll").append(i).append("(Net.java:").append(i).append(")\n");
        }
        return trace.append("\t... 30 more\n").toString();
    }

    static String pythonTrace() {
        StringBuilder trace = new StringBuilder("Traceback (most recent call last):\n");
        for (int i = 0; i < 12; i++) {
            String file = i < 6 ? "/app/weather/mod" + i + ".py" : "/usr/local/lib/python3.11/site-packages/requests/m" + i + ".py";
            trace.append("  File \"").append(file).append("\", line ").append(10 + i).append(", in f").append(i).append('\n')
                    .append("    call_next(x)\n");
        }
        return trace.append("requests.exceptions.HTTPError: 503 Server Error\n").toString();
    }

    static String nodeTrace() {
        StringBuilder trace = new StringBuilder("TypeError: Cannot read properties of undefined (reading 'id')\n");
        for (int i = 0; i < 10; i++) {
            String file = i < 5 ? "/app/src/m" + i + ".js" : "/app/node_modules/express/lib/m" + i + ".js";
            trace.append("    at fn").append(i).append(" (").append(file).append(':').append(10 + i).append(":5)\n");
        }
        return trace.toString();
    }
}
