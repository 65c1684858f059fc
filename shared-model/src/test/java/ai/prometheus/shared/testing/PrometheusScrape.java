package ai.prometheus.shared.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape of {@code /q/metrics} in the Prometheus text format, read for tests: the samples of a
 * metric with their labels, and the suite's own conventions for the metrics it defines (the
 * {@code prometheus_} and {@code sandbox_} families): HELP text, snake_case names and labels,
 * counters ending in {@code _total}, durations in seconds with buckets. The checks are the
 * ones {@code promtool check metrics} makes, for the metrics this suite writes.
 */
public final class PrometheusScrape {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)( \\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9_]*");

    /** One sample: metric name, labels, value. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private final Map<String, String> help = new HashMap<>();
    private final Map<String, String> types = new HashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    private PrometheusScrape(String text) {
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                help.put(parts[0], parts.length > 1 ? parts[1].trim() : "");
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ", 2);
                types.put(parts[0], parts[1].trim());
            } else if (!line.isBlank() && !line.startsWith("#")) {
                // An exemplar (trace and span ids) may follow the value: " # {...} value timestamp".
                int exemplar = line.indexOf(" # ");
                Matcher sample = SAMPLE.matcher(exemplar < 0 ? line : line.substring(0, exemplar));
                assertTrue(sample.matches(), "not a sample line: " + line);
                Map<String, String> labels = new LinkedHashMap<>();
                if (sample.group(3) != null) {
                    Matcher label = LABEL.matcher(sample.group(3));
                    while (label.find()) {
                        labels.put(label.group(1), label.group(2));
                    }
                }
                samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(4))));
            }
        }
    }

    public static PrometheusScrape of(String text) {
        return new PrometheusScrape(text);
    }

    /** The samples of {@code name} whose labels include {@code labels}. */
    public List<Sample> samples(String name, Map<String, String> labels) {
        return samples.stream()
                .filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
    }

    /** The sum of the samples of {@code name} with {@code labels}; 0 when there are none. */
    public double value(String name, Map<String, String> labels) {
        return samples(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    /** The type of a metric family; a counter's may be declared without its _total (OpenMetrics). */
    public String typeOf(String family) {
        String type = types.get(family);
        return type != null || !family.endsWith("_total") ? type : types.get(family.substring(0, family.length() - 6));
    }

    /** A histogram {@code family} (base name, e.g. x_seconds) with buckets up to +Inf, count and sum. */
    public void assertHistogram(String family, Map<String, String> labels) {
        assertEquals("histogram", typeOf(family), family + " is a histogram");
        List<Sample> buckets = samples(family + "_bucket", labels);
        assertTrue(buckets.size() >= 5, family + " has buckets: " + buckets);
        assertTrue(buckets.stream().anyMatch(b -> "+Inf".equals(b.labels().get("le"))), family + " has a +Inf bucket");
        assertTrue(value(family + "_count", labels) > 0, family + " counted something with " + labels);
        assertFalse(samples(family + "_sum", labels).isEmpty(), family + " has a sum");
    }

    /**
     * Every entry of the metrics catalogue ({@code deploy/grafana/metrics.txt}, which the Grafana
     * dashboard is checked against) for {@code service} or for every service is exported, with its type.
     */
    public void assertCatalogued(String service) {
        Path catalogue = Path.of(System.getProperty("user.dir"))
                .resolve("../deploy/grafana/metrics.txt")
                .normalize();
        List<String> lines;
        try {
            lines = Files.readAllLines(catalogue);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int checked = 0;
        for (String line : lines) {
            String[] parts = line.trim().split("\\s+");
            if (line.isBlank() || line.startsWith("#") || !(parts[0].equals(service) || parts[0].equals("*"))) {
                continue;
            }
            assertEquals(
                    parts[2],
                    typeOf(parts[1]),
                    parts[1] + " (catalogued for " + parts[0] + ") is exported as a " + parts[2]);
            checked++;
        }
        assertTrue(checked > 0, "the catalogue lists metrics of " + service);
    }

    /** Every metric family of the suite's own follows the conventions; answers the families checked. */
    public List<String> assertSuiteConventions() {
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, String> family : types.entrySet()) {
            String name = family.getKey();
            if (!name.startsWith("prometheus_") && !name.startsWith("sandbox_")) {
                continue;
            }
            // OpenMetrics declares a counter without its _total; answer the name its samples have.
            checked.add(family.getValue().equals("counter") && !name.endsWith("_total") ? name + "_total" : name);
            assertTrue(SNAKE.matcher(name).matches(), name + " is snake_case");
            assertFalse(help.getOrDefault(name, "").isBlank(), name + " has HELP text");
            if (family.getValue().equals("counter")) {
                List<Sample> counted =
                        samples.stream().filter(s -> s.name().startsWith(name)).toList();
                assertTrue(
                        counted.stream()
                                .allMatch(s ->
                                        s.name().endsWith("_total") || s.name().endsWith("_created")),
                        "counter " + name + " ends in _total: " + counted);
            }
            if (family.getValue().equals("histogram")) {
                assertTrue(
                        name.endsWith("_seconds") || name.endsWith("_bytes"), "histogram " + name + " has a base unit");
            }
            assertFalse(name.contains("millis") || name.contains("_ms"), name + " is in base units");
        }
        for (Sample sample : samples) {
            if (sample.name().startsWith("prometheus_") || sample.name().startsWith("sandbox_")) {
                for (String label : sample.labels().keySet()) {
                    assertTrue(SNAKE.matcher(label).matches(), sample.name() + " label " + label + " is snake_case");
                }
            }
        }
        return checked;
    }
}
