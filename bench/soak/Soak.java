package ai.prometheus.bench.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Soak: a steady request rate through the registry for a long time (default 10 minutes), with
 * every service's resident memory sampled every 30 s. Prints throughput, errors and the RSS trend
 * per service; a service whose memory keeps climbing shows it in the last column.
 *
 *   java -cp <engines classpath> bench/soak/Soak.java ROOT [SECONDS=600] [RATE=20]
 * Mix per second of traffic: 70% discovery (GET /tools?q=), 20% sync invocations, 10% async.
 */
public class Soak {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    static final String REGISTRY = "http://127.0.0.1:8081";
    static final String[] SERVICES = {"tool-registry-service", "sandbox-service", "memory-guild-service", "guardian-service"};

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 600;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        String admin = token(root, "--sub", "soak-admin", "--groups", "admin");
        String agent = token(root, "--sub", "soak-agent", "--scope", "tools:read tools:invoke");

        String tool = "soak_echo_" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = send("POST", REGISTRY + "/api/v1/tools", admin, Map.of("name", tool,
                "description", "echo for the soak test", "tags", List.of("soak"),
                "functionSignature", Map.of("type", "object"),
                "implementation", Map.of("language", "python", "code",
                        "import json,sys; print(json.dumps(json.load(sys.stdin)))")));
        if (created.statusCode() != 201) {
            throw new IllegalStateException("cannot register the soak tool: " + created.body());
        }

        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        ScheduledExecutorService load = Executors.newScheduledThreadPool(16);
        load.scheduleAtFixedRate(() -> {
            long n = sent.incrementAndGet();
            try {
                HttpResponse<String> response;
                if (n % 10 < 7) {
                    response = send("GET", REGISTRY + "/api/v1/tools?q=echo&size=20", agent, null);
                } else {
                    response = send("POST", REGISTRY + "/api/v1/tools/" + tool + "/invocations", agent,
                            Map.of("arguments", Map.of("n", n), "mode", n % 10 == 9 ? "async" : "sync"));
                }
                if (response.statusCode() < 300) {
                    ok.incrementAndGet();
                } else {
                    errors.incrementAndGet();
                }
            } catch (IOException | InterruptedException e) {
                errors.incrementAndGet();
            }
        }, 0, 1_000_000L / rate, TimeUnit.MICROSECONDS);

        Map<String, List<Long>> rss = new LinkedHashMap<>();
        for (String service : SERVICES) {
            rss.put(service, new ArrayList<>());
        }
        System.out.printf("%-8s %8s %8s   %s%n", "t (s)", "ok/s", "errors", String.join("  ", SERVICES) + "  (RSS MB)");
        Instant start = Instant.now();
        long lastOk = 0;
        for (int t = 30; t <= seconds; t += 30) {
            Thread.sleep(Math.max(0, start.plusSeconds(t).toEpochMilli() - System.currentTimeMillis()));
            long nowOk = ok.get();
            StringBuilder line = new StringBuilder(String.format("%-8d %8.1f %8d  ", t, (nowOk - lastOk) / 30.0, errors.get()));
            lastOk = nowOk;
            for (String service : SERVICES) {
                long mb = rssMb(root, service);
                rss.get(service).add(mb);
                line.append(String.format(" %20d", mb));
            }
            System.out.println(line);
        }
        load.shutdown();
        load.awaitTermination(60, TimeUnit.SECONDS);

        System.out.println();
        System.out.printf("requests: %d sent, %d ok, %d errors over %d s (%.1f ok/s)%n", sent.get(), ok.get(), errors.get(),
                seconds, ok.get() / (double) seconds);
        System.out.println();
        System.out.println("| service | RSS first (MB) | RSS last (MB) | max | trend over the second half (MB/min) |");
        System.out.println("|---|---|---|---|---|");
        for (Map.Entry<String, List<Long>> entry : rss.entrySet()) {
            List<Long> samples = entry.getValue();
            if (samples.isEmpty()) {
                continue;
            }
            List<Long> tail = samples.subList(samples.size() / 2, samples.size());
            System.out.printf("| %s | %d | %d | %d | %+.1f |%n", entry.getKey(), samples.get(0), samples.get(samples.size() - 1),
                    samples.stream().mapToLong(Long::longValue).max().orElse(0), slopePerMinute(tail));
        }
    }

    /** Least-squares slope of samples taken every 30 s, in MB per minute. */
    static double slopePerMinute(List<Long> samples) {
        int n = samples.size();
        if (n < 2) {
            return 0;
        }
        double meanX = (n - 1) / 2.0;
        double meanY = samples.stream().mapToLong(Long::longValue).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            num += (i - meanX) * (samples.get(i) - meanY);
            den += (i - meanX) * (i - meanX);
        }
        return num / den * 2;
    }

    static long rssMb(Path root, String service) {
        try {
            String pid = Files.readString(root.resolve(".prometheus/run/" + service + ".pid")).trim();
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static HttpResponse<String> send(String method, String url, String token, Object body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String token(Path root, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(root.resolve("bin/prometheus").toString(), "token"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).start();
        String out = new String(process.getInputStream().readAllBytes()).trim();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("could not mint a token");
        }
        return out;
    }
}
