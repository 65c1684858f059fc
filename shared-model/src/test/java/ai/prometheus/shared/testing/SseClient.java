package ai.prometheus.shared.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A server-sent event stream read as it arrives, for tests that must see an event before the
 * stream ends: each event is handed over the moment its blank line is read.
 */
public final class SseClient implements AutoCloseable {

    /** One event: its {@code event:} name (null when it had none), its data lines joined, and its id. */
    public record Event(String name, String data, String id) {}

    private static final Event END = new Event(null, null, null);

    private final int status;
    private final String contentType;
    private final InputStream body;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Event> seen = new ArrayList<>();

    private SseClient(HttpResponse<InputStream> response) {
        this.status = response.statusCode();
        this.contentType = response.headers().firstValue("Content-Type").orElse("");
        this.body = response.body();
        Thread reader = new Thread(this::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code method url} with {@code headers} and {@code body} (null: none). */
    public static SseClient open(String method, String url, Map<String, String> headers, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return new SseClient(client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    /** The next event, waiting at most {@code timeout}; null when the stream ended or nothing came. */
    public Event next(Duration timeout) throws InterruptedException {
        Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null || event == END) {
            if (event == END) {
                events.offer(END);
            }
            return null;
        }
        seen.add(event);
        return event;
    }

    /** The next event named {@code name}, skipping others; null when none came in time. */
    public Event next(String name, Duration timeout) throws InterruptedException {
        return next(event -> name.equals(event.name()), timeout);
    }

    /** The next event that is {@code wanted}, skipping others; null when none came in time. */
    public Event next(Predicate<Event> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Event event = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (event == null) {
                return null;
            }
            if (wanted.test(event)) {
                return event;
            }
        }
        return null;
    }

    /** Every event until the stream ends (at most {@code timeout}), after those already taken. */
    public List<Event> rest(Duration timeout) throws InterruptedException {
        List<Event> rest = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        Event event;
        while (System.nanoTime() < deadline
                && (event = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) != null) {
            rest.add(event);
        }
        return rest;
    }

    /** The events taken so far, in order. */
    public List<Event> seen() {
        return List.copyOf(seen);
    }

    /** The whole body, for an answer that is not a stream. */
    public String text() throws IOException {
        return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    }

    private void read() {
        if (!contentType.startsWith("text/event-stream")) {
            events.offer(END);
            return;
        }
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String name = null;
            String id = null;
            StringBuilder data = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.offer(new Event(name, data.toString(), id));
                    }
                    name = null;
                    id = null;
                    data = null;
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("data:")) {
                    String value = line.substring(5);
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    data = data == null
                            ? new StringBuilder(value)
                            : data.append('\n').append(value);
                }
            }
        } catch (IOException e) {
            // the stream was closed
        } finally {
            events.offer(END);
        }
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
