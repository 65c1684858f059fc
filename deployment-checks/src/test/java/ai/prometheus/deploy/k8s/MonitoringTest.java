package ai.prometheus.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.deploy.Repository;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The monitoring files, offline: the Grafana dashboard is a dashboard model whose every query
 * names only metrics of the catalogue (deploy/grafana/metrics.txt, which each service's metrics
 * test holds to what it exports), and the optional PodMonitor component selects every service's
 * pods on a port they have.
 */
class MonitoringTest {

    private static final Path COMPONENT = Repository.components().resolve("monitoring");
    private static final Path GRAFANA = Repository.root().resolve("deploy/grafana");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> PROMQL_WORDS = Set.of(
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "bool",
            "and",
            "or",
            "unless",
            "offset",
            "inf",
            "nan");

    static boolean isComponentFile(Path path) {
        return path.startsWith(Repository.components());
    }

    /** The catalogue: metric family name to type. */
    private static Map<String, String> catalogue() throws IOException {
        Map<String, String> metrics = new HashMap<>();
        for (String line : Files.readAllLines(GRAFANA.resolve("metrics.txt"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.trim().split("\\s+");
            assertEquals(3, parts.length, "service, metric, type: " + line);
            assertTrue(
                    parts[0].equals("*") || Repository.SERVICES.contains(parts[0]), "a service of the suite: " + line);
            assertTrue(Set.of("counter", "gauge", "histogram").contains(parts[2]), "a known type: " + line);
            metrics.put(parts[1], parts[2]);
        }
        return metrics;
    }

    /** The metric names a PromQL expression reads: identifiers outside label matchers that are not functions. */
    static Set<String> metricsIn(String expr) {
        String outside = expr.replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new HashSet<>();
        Matcher identifier = IDENTIFIER.matcher(outside);
        while (identifier.find()) {
            String word = identifier.group();
            String rest = outside.substring(identifier.end()).stripLeading();
            boolean function = rest.startsWith("(");
            boolean partOfNumber = identifier.start() > 0 && Character.isDigit(outside.charAt(identifier.start() - 1));
            if (!function && !partOfNumber && !PROMQL_WORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }

    @Test
    void metricNamesAreReadFromPromQl() {
        assertEquals(
                Set.of("a_bucket"),
                metricsIn("histogram_quantile(0.95, sum by (le, mode) (rate(a_bucket{mode=\"x\"}[5m])))"));
        assertEquals(Set.of("a_total", "b"), metricsIn("sum(rate(a_total[1m])) / on (job) max without (x) (b) * 2"));
    }

    @Test
    void everyDashboardQueryNamesOnlyCataloguedMetrics() throws IOException {
        Map<String, String> catalogue = catalogue();
        JsonNode dashboard =
                JSON.readTree(GRAFANA.resolve("prometheus-dashboard.json").toFile());
        assertFalse(dashboard.path("title").asText().isBlank());
        assertTrue(
                dashboard.path("panels").isArray() && dashboard.path("panels").size() > 0);
        Set<String> used = new HashSet<>();
        List<String> unknown = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertTrue(
                    panel.path("targets").size() > 0,
                    "panel " + panel.path("title").asText() + " has queries");
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertFalse(expr.isBlank(), "panel " + panel.path("title").asText() + " has an empty query");
                for (String metric : metricsIn(expr)) {
                    String family = metric.replaceFirst("_(bucket|count|sum)$", "");
                    boolean known = "histogram".equals(catalogue.get(family))
                            || catalogue.containsKey(metric) && !"histogram".equals(catalogue.get(metric));
                    if (known) {
                        used.add(catalogue.containsKey(metric) ? metric : family);
                    } else {
                        unknown.add(metric + " in \"" + expr + "\"");
                    }
                }
            }
        }
        assertEquals(List.of(), unknown, "queries naming metrics nobody exports");
        assertEquals(catalogue.keySet(), used, "every catalogued metric is on the dashboard");
    }

    @Test
    void thePodMonitorComponentSelectsEveryServicesPodsOnAPortTheyHave() throws IOException {
        JsonNode kustomization =
                YAML.readTree(COMPONENT.resolve("kustomization.yaml").toFile());
        assertEquals(
                "kustomize.config.k8s.io/v1alpha1",
                kustomization.path("apiVersion").asText());
        assertEquals("Component", kustomization.path("kind").asText());
        assertEquals("pod-monitor.yaml", kustomization.path("resources").get(0).asText());
        JsonNode monitor = YAML.readTree(COMPONENT.resolve("pod-monitor.yaml").toFile());
        assertEquals("monitoring.coreos.com/v1", monitor.path("apiVersion").asText());
        assertEquals("PodMonitor", monitor.path("kind").asText());
        JsonNode spec = monitor.path("spec");
        Set<String> namespaces = new HashSet<>();
        spec.path("namespaceSelector").path("matchNames").forEach(n -> namespaces.add(n.asText()));
        Map<String, String> matchLabels = YAML.convertValue(
                spec.path("selector").path("matchLabels"),
                YAML.getTypeFactory().constructMapType(Map.class, String.class, String.class));
        JsonNode endpoint = spec.path("podMetricsEndpoints").get(0);
        assertEquals("/q/metrics", endpoint.path("path").asText());

        ManifestSet base = ManifestSet.load(Repository.k8s().resolve("base"), Repository.root());
        for (String service : Repository.SERVICES) {
            Deployment deployment = base.all(Deployment.class).stream()
                    .filter(d -> d.getMetadata().getName().equals(service))
                    .findFirst()
                    .orElseThrow();
            assertTrue(
                    namespaces.contains(deployment.getMetadata().getNamespace()), service + "'s namespace is watched");
            Map<String, String> podLabels =
                    deployment.getSpec().getTemplate().getMetadata().getLabels();
            assertTrue(
                    podLabels.entrySet().containsAll(matchLabels.entrySet()), service + " pods carry " + matchLabels);
            List<String> ports = deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                    .flatMap(c -> c.getPorts().stream())
                    .map(ContainerPort::getName)
                    .toList();
            assertTrue(ports.contains(endpoint.path("port").asText()), service + " has the port " + ports);
            boolean named = false;
            for (JsonNode expression : spec.path("selector").path("matchExpressions")) {
                if (expression.path("key").asText().equals("app.kubernetes.io/name")) {
                    for (JsonNode value : expression.path("values")) {
                        named |= value.asText().equals(podLabels.get("app.kubernetes.io/name"));
                    }
                }
            }
            assertTrue(named, service + " is among the selected names");
        }
    }
}
