import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The end-to-end scenario, as a new user would walk it against a running suite (bin/prometheus
 * up): an agent registers, discovers and invokes a tool synchronously and asynchronously, reads
 * its usage, keeps memories in a context with a parent and finds them by meaning, sees the
 * invocation's episode; a flaky tool fails until a guardian rule disables it and the registry
 * refuses it with the rule's reason, and reverting enables it again; trace ids connect the call,
 * the events and the guardian's record; a tool with a secret and a network policy calls a (local)
 * weather API through the egress proxy, shows the key only redacted, is refused a host outside its
 * policy, and a quota refuses a call; a token without permissions is refused everywhere; every
 * event on the suite's topics matches the JSON Schema its dataschema names.
 *
 *   java -cp <engines classpath> bin/lib/EndToEnd.java ROOT
 */
public class EndToEnd {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String REGISTRY = env("REGISTRY_URL", "http://127.0.0.1:8081");
    static final String SANDBOX = env("SANDBOX_URL", "http://127.0.0.1:8082");
    static final String MEMORY = env("MEMORY_URL", "http://127.0.0.1:8083");
    static final String GUARDIAN = env("GUARDIAN_URL", "http://127.0.0.1:8084");
    static String root;
    static int step;

    /** When the scenario started: only the events it caused are held to their schemas. */
    static final long SCENARIO_STARTED_MILLIS = System.currentTimeMillis();

    public static void main(String[] args) throws Exception {
        root = args[0];
        String run = UUID.randomUUID().toString().substring(0, 8);
        String agentName = "e2e-agent-" + run;
        String agent = token("--sub", agentName, "--type", "agent",
                "--scope", "tools:read tools:write tools:invoke memory:read memory:write");
        String operator = token("--sub", "e2e-oncall-" + run, "--groups", "operator");
        String nobody = token("--sub", "e2e-nobody-" + run);

        step("the agent registers a python tool with a JSON-schema signature");
        String tool = "e2e_forecast_" + run;
        Map<String, Object> signature = Map.of("type", "object",
                "properties", Map.of("city", Map.of("type", "string"), "days", Map.of("type", "integer", "minimum", 1)),
                "required", List.of("city"));
        JsonNode registered = expect(201, post(REGISTRY + "/api/v1/tools", agent, Map.of(
                "name", tool, "description", "Weather forecast for a city, by day", "tags", List.of("weather", "e2e"),
                "functionSignature", signature,
                "implementation", Map.of("language", "python", "code",
                        "import json, sys\nargs = json.load(sys.stdin)\n"
                                + "print(json.dumps({'city': args['city'], 'days': args.get('days', 1), 'sky': 'clear'}))"))));
        check(registered.path("fingerprint").asText().startsWith("sha256:"), "the tool has a fingerprint");

        step("it discovers the tool by meaning of its description");
        JsonNode found = expect(200, get(REGISTRY + "/api/v1/tools?q=forecast&tag=e2e", agent));
        check(contains(found.path("items"), "name", tool), "discovery lists " + tool);
        JsonNode openai = expect(200, get(REGISTRY + "/api/v1/tools?format=openai&strict=true&tag=e2e&q=" + run, agent));
        JsonNode functions = openai.path("items");
        check(functions.size() == 1 && functions.get(0).path("function").path("name").asText().equals(tool)
                && functions.get(0).path("function").path("strict").asBoolean() && !openai.path("hasMore").asBoolean(),
                "the OpenAI export has the tool as a strict-mode function: " + openai);

        step("it invokes the tool synchronously");
        JsonNode sync = expect(200, post(REGISTRY + "/api/v1/tools/" + tool + "/invocations", agent,
                Map.of("arguments", Map.of("city", "Oslo", "days", 2))));
        check("COMPLETED".equals(sync.path("status").asText()) && "Oslo".equals(sync.path("result").path("city").asText()),
                "the result came back: " + sync.path("result"));

        step("a bad argument is refused naming the field");
        HttpResponse<String> bad = post(REGISTRY + "/api/v1/tools/" + tool + "/invocations", agent,
                Map.of("arguments", Map.of("days", 0)));
        check(bad.statusCode() == 400 && bad.body().contains("arguments"), "400 names the arguments: " + bad.body());

        step("it creates a memory context under a parent, writes memories and searches them by meaning");
        JsonNode parent = expect(201, post(MEMORY + "/api/v1/contexts", agent, Map.of("name", "team " + run)));
        JsonNode child = expect(201, post(MEMORY + "/api/v1/contexts", agent,
                Map.of("name", "trip planning " + run, "parentContextId", parent.path("id").asText())));
        String parentId = parent.path("id").asText();
        String contextId = child.path("id").asText();
        expect(201, post(MEMORY + "/api/v1/contexts/" + parentId + "/memories", agent,
                Map.of("content", "The team prefers trains over flights for trips under six hours.", "kind", "fact")));
        expect(201, post(MEMORY + "/api/v1/contexts/" + contextId + "/memories", agent,
                Map.of("content", "Alice is allergic to peanuts; avoid restaurants that cook with them.", "kind", "fact")));
        JsonNode hits = eventually("semantic search finds the inherited memory", Duration.ofSeconds(60), () ->
                expect(200, post(MEMORY + "/api/v1/contexts/" + contextId + "/search", agent,
                        Map.of("query", "how should we travel by rail or plane", "k", 3, "mode", "semantic"))),
                r -> r.path("results").size() > 0
                        && r.path("results").get(0).path("memory").path("content").asText().contains("trains"));
        check(hits.path("results").get(0).path("depth").asInt() == 1, "the hit came from the parent (depth 1)");

        step("it invokes the tool asynchronously with the memory context, and the episode appears there");
        JsonNode async = expect(202, post(REGISTRY + "/api/v1/tools/" + tool + "/invocations", agent,
                Map.of("arguments", Map.of("city", "Bergen"), "mode", "async", "memoryContextId", contextId)));
        String asyncId = async.path("id").asText();
        eventually("the async invocation completes through Kafka", Duration.ofSeconds(60),
                () -> expect(200, get(REGISTRY + "/api/v1/invocations/" + asyncId, agent)),
                r -> "COMPLETED".equals(r.path("status").asText()));
        eventually("the episode is in the memory context", Duration.ofSeconds(60),
                () -> expect(200, get(MEMORY + "/api/v1/contexts/" + contextId + "/memories?kind=episode", agent)),
                r -> r.path("items").size() > 0 && r.path("items").get(0).path("content").asText().contains("Bergen"));

        step("its usage counts both calls");
        eventually("usage shows 2 successful calls", Duration.ofSeconds(30),
                () -> expect(200, get(REGISTRY + "/api/v1/tools/" + tool + "/usage?granularity=hour", agent)),
                r -> r.path("total").path("calls").asInt() == 2 && r.path("total").path("successes").asInt() == 2);

        step("a flaky tool fails until a guardian rule disables it");
        String flaky = "e2e_flaky_" + run;
        expect(201, post(REGISTRY + "/api/v1/tools", agent, Map.of("name", flaky, "description", "fails every time",
                "functionSignature", Map.of("type", "object"),
                "implementation", Map.of("language", "python", "code", "raise ZeroDivisionError('flaky " + word(run) + "')"))));
        String ruleName = "disable " + flaky;
        JsonNode rule = expect(201, post(GUARDIAN + "/api/v1/rules", operator, Map.of("name", ruleName,
                "match", Map.of("service", "tool-registry-service", "errorType", "tool.invocation.*",
                        "attributes", Map.of("tool", flaky)),
                "guard", Map.of("threshold", 3, "windowSeconds", 600, "cooldownSeconds", 3600, "maxAttempts", 2),
                "action", Map.of("type", "disable_tool"))));
        String failingTrace = null;
        String failingInvocation = null;
        for (int i = 0; i < 3; i++) {
            JsonNode failed = expect(200, post(REGISTRY + "/api/v1/tools/" + flaky + "/invocations", agent,
                    Map.of("arguments", Map.of())));
            check("FAILED".equals(failed.path("status").asText()) && failed.path("error").asText().contains("ZeroDivisionError"),
                    "the tool failed with its own error");
            failingTrace = failed.path("traceId").asText();
            failingInvocation = failed.path("id").asText();
        }
        JsonNode groups = eventually("the guardian grouped the three failures into one issue", Duration.ofSeconds(60),
                () -> expect(200, get(GUARDIAN + "/api/v1/error-groups?service=tool-registry-service&size=200", operator)),
                r -> groupOf(r, flaky) != null && groupOf(r, flaky).path("count").asInt() >= 3);
        check(groupOf(groups, flaky).path("count").asInt() == 3, "one group with a count of 3: " + groupOf(groups, flaky));
        eventually("the registry disabled the tool", Duration.ofSeconds(60),
                () -> expect(200, get(REGISTRY + "/api/v1/tools/" + flaky, agent)),
                r -> "DISABLED".equals(r.path("status").asText()));
        HttpResponse<String> refused = post(REGISTRY + "/api/v1/tools/" + flaky + "/invocations", agent,
                Map.of("arguments", Map.of()));
        check(refused.statusCode() == 409 && refused.body().contains("tool-disabled") && refused.body().contains(ruleName),
                "the next invocation is refused with the rule's reason: " + refused.body());

        step("trace ids connect the REST call, the Kafka events and the guardian's record");
        String traceId = failingTrace;
        String invocationId = failingInvocation;
        JsonNode traced = eventually("the guardian has the failure under the call's trace id", Duration.ofSeconds(30),
                () -> expect(200, get(GUARDIAN + "/api/v1/errors?traceId=" + traceId, operator)),
                r -> contains(r.path("items"), "service", "tool-registry-service"));
        check(traced.path("items").get(0).path("attributes").path("invocationId").asText().equals(invocationId),
                "the guardian's record names the invocation of that call");

        step("reverting the action enables the tool again");
        JsonNode actions = expect(200, get(GUARDIAN + "/api/v1/actions?ruleId=" + rule.path("id").asText(), operator));
        String actionId = actions.path("items").get(0).path("id").asText();
        eventually("the disable action was applied", Duration.ofSeconds(30),
                () -> expect(200, get(GUARDIAN + "/api/v1/actions/" + actionId, operator)),
                r -> "applied".equals(r.path("status").asText()));
        expect(202, post(GUARDIAN + "/api/v1/actions/" + actionId + "/revert", operator, Map.of("reason", "e2e revert")));
        eventually("the registry enabled the tool", Duration.ofSeconds(60),
                () -> expect(200, get(REGISTRY + "/api/v1/tools/" + flaky, agent)),
                r -> "ACTIVE".equals(r.path("status").asText()));
        check(post(REGISTRY + "/api/v1/tools/" + flaky + "/invocations", agent, Map.of("arguments", Map.of()))
                .statusCode() == 200, "the tool runs again (and still fails on its own, not refused)");

        secretsAndQuotas(agent, run);

        step("a token without permissions is refused everywhere");
        check(post(REGISTRY + "/api/v1/tools", nobody, Map.of("name", "x")).statusCode() == 403, "registry: register");
        check(post(REGISTRY + "/api/v1/tools/" + tool + "/invocations", nobody, Map.of("arguments", Map.of("city", "x")))
                .statusCode() == 404, "registry: invoke (the tool is not even visible)");
        check(get(REGISTRY + "/api/v1/tools", nobody).statusCode() == 403, "registry: discover");
        check(post(SANDBOX + "/api/v1/executions", nobody, Map.of("language", "python", "code", "print(1)"))
                .statusCode() == 403, "sandbox: execute");
        check(post(MEMORY + "/api/v1/contexts", nobody, Map.of("name", "x")).statusCode() == 403, "memory: create context");
        check(get(MEMORY + "/api/v1/contexts/" + contextId, nobody).statusCode() == 403, "memory: read context");
        check(get(GUARDIAN + "/api/v1/errors", nobody).statusCode() == 403, "guardian: errors");
        check(get(GUARDIAN + "/api/v1/error-groups", nobody).statusCode() == 403, "guardian: error groups");
        check(get(REGISTRY + "/api/v1/tools", null).statusCode() == 401, "no token at all: 401");

        System.out.println();
        step("every event the suite wrote to its topics matches the schema its dataschema names");
        EventContracts.checkTopics();

        System.out.println("End-to-end scenario passed (" + step + " steps).");
    }

    /**
     * Secrets and quotas, on their own: a get_weather tool reads WEATHER_API_KEY, which its owner
     * set (write-only); the run proves it had the value, and printing it shows only the redaction
     * marker, in the answer and in the stored invocation. A per-caller limit of 2 calls a minute
     * refuses the third call with 429 and Retry-After.
     */
    static void secretsAndQuotas(String agent, String run) throws Exception {
        step("the agent registers get_weather with a secret it sets but can never read back, and a network policy");
        String tool = "e2e_get_weather_" + run;
        String key = "e2e-weather-key-" + UUID.randomUUID();
        // The outside world: a weather API on this machine that answers only with the right key.
        com.sun.net.httpserver.HttpServer api = FakeWeatherApi.start(key);
        String allowed = FakeWeatherApi.HOST + ":" + FakeWeatherApi.PORT;
        expect(201, post(REGISTRY + "/api/v1/tools", agent, Map.of(
                "name", tool, "description", "Current weather for a city (uses an API key)",
                "functionSignature", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"),
                        "url", Map.of("type", "string")), "required", List.of("city")),
                "implementation", Map.of("language", "python", "secrets", List.of("WEATHER_API_KEY"),
                        "network", Map.of("allow", List.of(allowed)), "code", """
                                import hashlib, json, os, sys, urllib.error, urllib.parse, urllib.request
                                args = json.load(sys.stdin)
                                key = os.environ['WEATHER_API_KEY']
                                url = args.get('url') or 'http://%s/v1/forecast?city=' + urllib.parse.quote(args['city'])
                                out = {'city': args['city'], 'keyHash': hashlib.sha256(key.encode()).hexdigest(), 'echo': key}
                                try:
                                    request = urllib.request.Request(url, headers={'X-Api-Key': key})
                                    out['forecast'] = json.load(urllib.request.urlopen(request, timeout=10))
                                except urllib.error.HTTPError as refused:
                                    out['refused'] = {'status': refused.code, 'reason': refused.read().decode()[:300]}
                                print(json.dumps(out))
                                """.formatted(allowed)))));
        Map<String, Object> oslo = Map.of("arguments", Map.of("city", "Oslo"));
        JsonNode missing = expect(409, post(REGISTRY + "/api/v1/tools/" + tool + "/invocations", agent, oslo));
        check(missing.path("type").asText().equals("urn:prometheus:problem:secret-missing"),
                "without its secret the tool is refused with 409 secret-missing");
        expect(204, send("PUT", REGISTRY + "/api/v1/tools/" + tool + "/secrets/WEATHER_API_KEY", agent, Map.of("value", key)));
        JsonNode listed = expect(200, get(REGISTRY + "/api/v1/tools/" + tool + "/secrets", agent));
        check(listed.get(0).path("name").asText().equals("WEATHER_API_KEY") && !listed.toString().contains(key),
                "the secret is listed by name, never by value");

        step("the run calls the API with the key through the egress proxy, and every trace of the key is redacted");
        JsonNode ran = expect(200, post(REGISTRY + "/api/v1/tools/" + tool + "/invocations", agent, oslo));
        check(ran.path("result").path("forecast").path("city").asText().equals("Oslo")
                        && ran.path("result").path("forecast").path("sky").asText().equals("clear"),
                "the fake API answered the tool, which sent the right key: " + ran.path("result"));
        check(ran.path("egress").path("connections").asInt() >= 1 && ran.path("egress").path("denied").asInt() == 0,
                "the invocation shows its connection: " + ran.path("egress"));
        String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        check(ran.path("result").path("keyHash").asText().equals(hash), "the tool saw the exact key (its hash matches)");
        check(ran.path("result").path("echo").asText().equals("[REDACTED:WEATHER_API_KEY]") && !ran.toString().contains(key),
                "printing the key shows [REDACTED:WEATHER_API_KEY]");
        JsonNode stored = expect(200, get(REGISTRY + "/api/v1/invocations/" + ran.path("id").asText(), agent));
        check(!stored.toString().contains(key), "the stored invocation does not contain the key");

        step("a host outside the tool's network policy is refused by the proxy, and the refusal is recorded");
        JsonNode denied = expect(200, post(REGISTRY + "/api/v1/tools/" + tool + "/invocations", agent,
                Map.of("arguments", Map.of("city", "Oslo", "url", "http://" + FakeWeatherApi.HOST + ":" + (FakeWeatherApi.PORT + 1)
                        + "/v1/forecast"))));
        check(denied.path("result").path("refused").path("status").asInt() == 403
                        && denied.path("result").path("refused").path("reason").asText().contains("not in this tool's network policy"),
                "the proxy answered 403 naming the rule: " + denied.path("result"));
        check(denied.path("egress").path("denied").asInt() >= 1, "the invocation shows the denied connection: " + denied.path("egress"));
        api.stop(0);

        step("a per-caller quota of 2 calls a minute refuses the next call with 429 and Retry-After");
        expect(200, send("PUT", REGISTRY + "/api/v1/tools/" + tool + "/limits", agent,
                Map.of("perCaller", Map.of("callsPerMinute", 2))));
        // The window is a calendar minute: start early in one so it cannot roll over between the calls.
        while (java.time.LocalTime.now(java.time.ZoneOffset.UTC).getSecond() > 40) {
            Thread.sleep(500);
        }
        expect(200, post(REGISTRY + "/api/v1/tools/" + tool + "/invocations", agent, oslo));
        expect(200, post(REGISTRY + "/api/v1/tools/" + tool + "/invocations", agent, oslo));
        HttpResponse<String> refused = post(REGISTRY + "/api/v1/tools/" + tool + "/invocations", agent, oslo);
        JsonNode problem = expect(429, refused);
        check(problem.path("type").asText().equals("urn:prometheus:problem:quota-exceeded")
                && refused.headers().firstValue("Retry-After").isPresent()
                && problem.path("errors").get(0).path("field").asText().equals("perCaller.callsPerMinute"),
                "429 quota-exceeded names perCaller.callsPerMinute, with Retry-After");
        JsonNode usage = expect(200, get(REGISTRY + "/api/v1/tools/" + tool + "/limits/usage", agent));
        check(usage.path("perCaller").path("callsPerMinute").path("used").asInt() == 2,
                "the usage shows 2 of 2 calls used this minute");

        step("the key appears in no log of the suite (services and engines)");
        java.nio.file.Path logs = java.nio.file.Path.of(env("PROMETHEUS_STATE", root + "/.prometheus"), "logs");
        try (var files = java.nio.file.Files.list(logs)) {
            for (java.nio.file.Path log : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                byte[] content = java.nio.file.Files.readAllBytes(log);
                check(!new String(content, java.nio.charset.StandardCharsets.ISO_8859_1).contains(key),
                        log.getFileName() + " does not contain the key");
            }
        }
    }

    /**
     * The run id spelled in letters g-v, which the guardian's message normalizer keeps: errors with
     * the same message group together across tools, so each run's flaky tool needs its own message.
     */
    static String word(String hex) {
        StringBuilder word = new StringBuilder();
        for (char c : hex.toCharArray()) {
            word.append((char) ('g' + Character.digit(c, 16)));
        }
        return word.toString();
    }

    static JsonNode groupOf(JsonNode page, String tool) {
        for (JsonNode group : page.path("items")) {
            if (group.toString().contains(tool)) {
                return group;
            }
        }
        return null;
    }

    interface Call {
        JsonNode get() throws Exception;
    }

    static JsonNode eventually(String what, Duration timeout, Call call, Predicate<JsonNode> done) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = call.get();
            if (done.test(last)) {
                System.out.println("   ok: " + what);
                return last;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(what + ": not within " + timeout + "; last answer: " + last);
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
        System.out.println("   ok: " + what);
    }

    static boolean contains(JsonNode items, String field, String value) {
        for (JsonNode item : items) {
            if (value.equals(item.path(field).asText())) {
                return true;
            }
        }
        return false;
    }

    static void step(String what) {
        System.out.println((++step) + ". " + what);
    }

    static JsonNode expect(int status, HttpResponse<String> response) throws IOException {
        if (response.statusCode() != status) {
            throw new AssertionError("expected HTTP " + status + " from " + response.request().method() + " "
                    + response.uri() + " but got " + response.statusCode() + ": " + response.body());
        }
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    static HttpResponse<String> post(String url, String token, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> send(String method, String url, String token, Object body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String token(String... options) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(root + "/bin/prometheus", "token"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes()).trim();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("could not mint a token");
        }
        return out;
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /**
     * The "internet" of the scenario: a weather API on this machine under a name the sandbox's
     * proxy is told to resolve to it (bin/prometheus test starts the suite with
     * SANDBOX_EGRESS_PRIVATE_ALLOW and the name's address for this).
     */
    static final class FakeWeatherApi {
        static final String HOST = "api.e2e.test";
        static final int PORT = Integer.parseInt(env("E2E_FAKE_API_PORT", "18093"));

        static com.sun.net.httpserver.HttpServer start(String key) throws IOException {
            com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress("127.0.0.1", PORT), 0);
            server.createContext("/v1/forecast", exchange -> {
                boolean authorized = key.equals(exchange.getRequestHeaders().getFirst("X-Api-Key"));
                String query = exchange.getRequestURI().getQuery();
                String city = query == null ? "" : java.net.URLDecoder.decode(query.replaceFirst("^city=", ""),
                        java.nio.charset.StandardCharsets.UTF_8);
                byte[] body = (authorized ? JSON.writeValueAsString(Map.of("city", city, "sky", "clear", "celsius", 21))
                        : "{\"error\": \"bad key\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(authorized ? 200 : 401, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        }
    }

    /**
     * Reads the suite's topics from the beginning and validates each event (envelope and data)
     * against the schemas in shared-model, found through the event's {@code dataschema}.
     */
    static final class EventContracts {
        static final List<String> TOPICS = List.of("prometheus.tool-invocation.requests",
                "prometheus.tool-invocation.results", "prometheus.errors", "prometheus.guardian.commands",
                "prometheus.guardian.command-results");
        static final String ID_PREFIX = "urn:ai-prometheus:event-schema:";

        static void checkTopics() throws IOException {
            java.nio.file.Path folder = java.nio.file.Path.of(root, "shared-model/src/main/resources/event-schemas");
            com.networknt.schema.SchemaRegistry registry = com.networknt.schema.SchemaRegistry.withDefaultDialect(
                    com.networknt.schema.SpecificationVersion.DRAFT_2020_12,
                    builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));
            Map<String, com.networknt.schema.Schema> schemas = new java.util.HashMap<>();
            com.networknt.schema.Schema envelope = registry.getSchema(JSON.readTree(folder.resolve("cloudevent.json").toFile()));
            java.util.Properties config = new java.util.Properties();
            config.put("bootstrap.servers", env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"));
            config.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
            config.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
            int checked = 0;
            List<String> problems = new java.util.ArrayList<>();
            try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(config)) {
                List<org.apache.kafka.common.TopicPartition> partitions = new java.util.ArrayList<>();
                for (String topic : TOPICS) {
                    consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(info ->
                            partitions.add(new org.apache.kafka.common.TopicPartition(info.topic(), info.partition())));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(partitions);
                Instant deadline = Instant.now().plusSeconds(60);
                while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && Instant.now().isBefore(deadline)) {
                    for (var record : consumer.poll(Duration.ofSeconds(1))) {
                        if (record.timestamp() < SCENARIO_STARTED_MILLIS) {
                            continue; // written before this scenario (the test suite's own, some hostile on purpose)
                        }
                        JsonNode event = JSON.readTree(record.value());
                        String where = record.topic() + "@" + record.offset() + " " + event.path("type").asText();
                        String dataschema = event.path("dataschema").asText();
                        if (!dataschema.startsWith(ID_PREFIX)) {
                            continue; // written before schemas were published: nothing to check it against
                        }
                        String name = dataschema.substring(ID_PREFIX.length(), dataschema.lastIndexOf(':'));
                        com.networknt.schema.Schema schema = schemas.computeIfAbsent(name, key -> {
                            try {
                                return registry.getSchema(JSON.readTree(folder.resolve(key + ".json").toFile()));
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
                        var errors = new java.util.ArrayList<>(envelope.validate(event));
                        errors.addAll(schema.validate(event.get("data")));
                        if (!errors.isEmpty()) {
                            problems.add(where + ": " + errors);
                        }
                        checked++;
                    }
                }
            }
            check(problems.isEmpty(), checked + " events with a dataschema checked, " + problems.size() + " do not match"
                    + (problems.isEmpty() ? "" : ": " + problems.subList(0, Math.min(5, problems.size()))));
            check(checked > 0, "the scenario's events carry a dataschema");
        }
    }
}
