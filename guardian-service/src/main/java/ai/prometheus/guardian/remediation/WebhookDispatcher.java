package ai.prometheus.guardian.remediation;

import ai.prometheus.guardian.config.GuardianConfig;
import ai.prometheus.guardian.group.ErrorGroupRepository;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Sends pending webhook actions after the transaction that recorded them committed, like an
 * outbox: a send is claimed first (other replicas skip it), made outside any transaction, and its
 * outcome recorded after. A replica that dies mid-send leaves the claim to expire and another
 * sends again, so receivers should deduplicate on {@code actionId}.
 */
@ApplicationScoped
public class WebhookDispatcher {

    static final Duration RESEND_AFTER = Duration.ofMinutes(2);
    static final int MAX_SENDS = 3;
    static final int BATCH = 20;

    private final HttpClient client;
    private final Duration timeout;
    private final ActionRepository actions;
    private final ErrorGroupRepository groups;
    private final ActionService service;
    private final ObjectMapper json;
    private final WebhookTargets targets;

    public WebhookDispatcher(
            Vertx vertx,
            GuardianConfig config,
            ActionRepository actions,
            ErrorGroupRepository groups,
            ActionService service,
            ObjectMapper json,
            WebhookTargets targets) {
        this.targets = targets;
        this.timeout = config.remediation().webhookTimeout();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) timeout.toMillis())
                .setIdleTimeout((int) timeout.toSeconds()));
        this.actions = actions;
        this.groups = groups;
        this.service = service;
        this.json = json;
    }

    public Uni<Void> dispatchPending() {
        return Panache.withTransaction(this::claim).chain(deliveries -> {
            Uni<Void> sent = Uni.createFrom().voidItem();
            for (Delivery delivery : deliveries) {
                sent = sent.chain(() -> deliver(delivery));
            }
            return sent;
        });
    }

    private Uni<List<Delivery>> claim() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return actions.claimForDispatch(WebhookAction.TYPE, now.minus(RESEND_AFTER), BATCH)
                .chain(claimed -> {
                    List<Delivery> deliveries = new ArrayList<>();
                    Uni<Void> prepared = Uni.createFrom().voidItem();
                    for (RemediationAction action : claimed) {
                        action.dispatchAttempts++;
                        action.dispatchedAt = now;
                        if (action.dispatchAttempts > MAX_SENDS) {
                            prepared = prepared.chain(() -> service.complete(
                                    action.id,
                                    false,
                                    "gave up after " + MAX_SENDS + " interrupted sends",
                                    RemediationAction.FAILED));
                            continue;
                        }
                        prepared = prepared.chain(() -> payload(action))
                                .invoke(body -> deliveries.add(new Delivery(action.id, action.params.get("url"), body)))
                                .replaceWithVoid();
                    }
                    return prepared.replaceWith(deliveries);
                });
    }

    private Uni<String> payload(RemediationAction action) {
        Uni<Map<String, Object>> group = action.groupId == null
                ? Uni.createFrom().nullItem()
                : groups.findById(action.groupId).map(found -> {
                    if (found == null) {
                        return null;
                    }
                    Map<String, Object> summary = new LinkedHashMap<>();
                    summary.put("id", found.id);
                    summary.put("title", found.title);
                    summary.put("service", found.service);
                    summary.put("errorType", found.errorType);
                    summary.put("state", found.state);
                    summary.put("count", found.eventCount);
                    summary.put("tools", found.tools);
                    return summary;
                });
        return group.map(summary -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("event", action.params.get("event"));
            body.put("actionId", action.id);
            body.put("message", action.params.get("message"));
            body.put("rule", action.ruleName);
            body.put("ruleId", action.ruleId);
            body.put("attempt", action.attempt);
            body.put("requestedBy", action.requestedBy);
            body.put("revertsActionId", action.revertsActionId);
            body.put("group", summary);
            body.put("createdAt", action.createdAt.toString());
            try {
                return json.writeValueAsString(body);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("webhook body of action " + action.id + " cannot be written", e);
            }
        });
    }

    /**
     * Checks the URL again on the addresses its host has now (a rule saved before the check existed,
     * or a DNS answer that changed since), and connects to the checked address, never to a second
     * lookup's. Redirects are not followed (the client's default), so a receiver cannot bounce the
     * call inward either.
     */
    private Uni<Void> deliver(Delivery delivery) {
        return targets.resolve(delivery.url())
                .chain(target -> send(delivery, target))
                .onFailure(WebhookTargets.Refused.class)
                .recoverWithItem(refused -> new Outcome(false, "webhook refused: the URL " + refused.getMessage()))
                .onFailure()
                .recoverWithItem(failure -> new Outcome(
                        false,
                        "webhook call failed: "
                                + (failure.getMessage() == null
                                        ? failure.getClass().getSimpleName()
                                        : failure.getMessage())))
                .chain(outcome -> Panache.withTransaction(() -> service.complete(
                        delivery.actionId(), outcome.applied(), outcome.message(), RemediationAction.FAILED)));
    }

    private Uni<Outcome> send(Delivery delivery, WebhookTargets.Target target) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(delivery.url())
                .setServer(SocketAddress.inetSocketAddress(
                        target.port(), target.address().getHostAddress()))
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "prometheus-guardian")
                .putHeader("X-Prometheus-Action-Id", delivery.actionId().toString());
        return client.request(options)
                .chain(request -> request.send(Buffer.buffer(delivery.body())))
                .chain(response -> response.body().map(body -> {
                    int status = response.statusCode();
                    String text = body.toString();
                    String excerpt = text.length() <= 200 ? text : text.substring(0, 200) + "…";
                    return new Outcome(
                            status >= 200 && status < 300,
                            "HTTP " + status + (excerpt.isBlank() ? "" : ": " + excerpt));
                }))
                .ifNoItem()
                .after(timeout)
                .fail();
    }

    private record Delivery(UUID actionId, String url, String body) {}

    private record Outcome(boolean applied, String message) {}
}
