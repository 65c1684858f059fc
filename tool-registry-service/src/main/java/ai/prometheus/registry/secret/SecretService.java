package ai.prometheus.registry.secret;

import ai.prometheus.registry.audit.AuditTrail;
import ai.prometheus.registry.permission.ToolAccess;
import ai.prometheus.registry.permission.ToolAction;
import ai.prometheus.registry.tool.Tool;
import ai.prometheus.registry.tool.ToolService;
import ai.prometheus.shared.problem.Problem.FieldError;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import ai.prometheus.shared.secret.SecretNames;
import ai.prometheus.shared.secret.SecretRedaction;
import ai.prometheus.shared.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.SecretKey;

/**
 * Tool secrets: set, deleted and listed by the tool's managers (never read back by anyone), and
 * decrypted only to hand them to a run. Setting and deleting are audited with the name, never the value.
 */
@ApplicationScoped
public class SecretService {

    private final SecretRepository secrets;
    private final DataKeyRepository dataKeys;
    private final ToolService tools;
    private final ToolAccess access;
    private final AuditTrail audit;
    private final SecretsConfig config;
    private final MasterKeys keys;
    private final SecretCipher cipher;

    public SecretService(
            SecretRepository secrets,
            DataKeyRepository dataKeys,
            ToolService tools,
            ToolAccess access,
            AuditTrail audit,
            SecretsConfig config) {
        this.secrets = secrets;
        this.dataKeys = dataKeys;
        this.tools = tools;
        this.access = access;
        this.audit = audit;
        this.config = config;
        this.keys = MasterKeys.from(config);
        this.cipher = new SecretCipher(keys);
    }

    /** A secret as its managers see it: never its value. */
    public record SecretView(String name, OffsetDateTime updatedAt, String updatedBy) {}

    @WithTransaction
    public Uni<Boolean> put(Caller caller, String toolName, String name, String value) {
        List<FieldError> problems = new ArrayList<>();
        if (!SecretNames.valid(name)) {
            problems.add(new FieldError("name", SecretNames.RULE));
        }
        if (value == null || value.length() < config.minValueChars()) {
            problems.add(new FieldError(
                    "value",
                    "is required and must be at least " + config.minValueChars()
                            + " characters (shorter values cannot be told apart from ordinary output for redaction)"));
        } else if (value.getBytes(StandardCharsets.UTF_8).length > config.maxValueBytes()) {
            problems.add(new FieldError("value", "must be at most " + config.maxValueBytes() + " bytes"));
        } else if (value.indexOf('\0') >= 0) {
            problems.add(
                    new FieldError("value", "must not contain NUL characters (it becomes an environment variable)"));
        }
        if (!problems.isEmpty()) {
            return Uni.createFrom().failure(ProblemException.invalid(problems));
        }
        return requireConfigured()
                .chain(() -> tools.authorized(caller, toolName, ToolAction.MANAGE, AuditTrail.SECRET_SET))
                .chain(tool -> dataKey(tool.id)
                        .chain(key -> secrets.find(tool.id, name)
                                .chain(existing -> store(caller, toolName, tool, key, name, value, existing))));
    }

    /** Seals {@code value} into the existing row, or into a new one if the tool has room for it. */
    private Uni<Boolean> store(
            Caller caller, String toolName, Tool tool, SecretKey key, String name, String value, ToolSecret existing) {
        boolean created = existing == null;
        Uni<Void> room = created
                ? secrets.countOf(tool.id)
                        .chain(count -> count >= config.maxPerTool()
                                ? Uni.createFrom()
                                        .failure(ProblemException.conflict("tool '" + toolName + "' already has "
                                                + count + " secrets, the most one tool may hold"))
                                : Uni.createFrom().voidItem())
                : Uni.createFrom().voidItem();
        ToolSecret row = created ? newSecret(tool.id, name) : existing;
        row.ciphertext = cipher.encrypt(key, tool.id, name, value);
        row.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
        row.updatedBy = caller.subject();
        return room.chain(() -> created
                        ? secrets.persist(row).replaceWithVoid()
                        : Uni.createFrom().voidItem())
                .chain(() -> audit.allowed(
                        caller,
                        AuditTrail.SECRET_SET,
                        toolName,
                        reason(caller, tool),
                        audit.details().put("secret", name).put("created", created)))
                .replaceWith(created);
    }

    @WithTransaction
    public Uni<Void> delete(Caller caller, String toolName, String name) {
        return tools.authorized(caller, toolName, ToolAction.MANAGE, AuditTrail.SECRET_DELETE)
                .chain(tool -> secrets.find(tool.id, name)
                        .chain(existing -> existing == null
                                ? Uni.createFrom().failure(ProblemException.notFound("secret", name))
                                : secrets.delete(existing)
                                        .chain(() -> dropDataKeyIfUnused(tool.id))
                                        .chain(() -> audit.allowed(
                                                caller,
                                                AuditTrail.SECRET_DELETE,
                                                toolName,
                                                reason(caller, tool),
                                                audit.details().put("secret", name)))));
    }

    @WithSession
    public Uni<List<SecretView>> list(Caller caller, String toolName) {
        return tools.authorized(caller, toolName, ToolAction.MANAGE, null)
                .chain(tool -> secrets.ofTool(tool.id))
                .map(rows -> rows.stream()
                        .map(row -> new SecretView(row.name, row.updatedAt, row.updatedBy))
                        .toList());
    }

    /**
     * The values of the secrets {@code declared} by a version of {@code tool}, to hand to one run;
     * a 409 naming each declared secret that is not set. Must run inside a session.
     */
    public Uni<Map<String, String>> valuesFor(Tool tool, List<String> declared) {
        return valuesFor(tool.id, tool.name, declared);
    }

    /** The same for the tool {@code toolId}, named {@code toolName}. */
    public Uni<Map<String, String>> valuesFor(UUID toolId, String toolName, List<String> declared) {
        if (declared == null || declared.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return requireConfigured().chain(() -> secrets.named(toolId, declared)).chain(rows -> {
            List<String> missing = new ArrayList<>(declared);
            rows.forEach(row -> missing.remove(row.name));
            if (!missing.isEmpty()) {
                return Uni.createFrom().failure(missing(toolName, missing));
            }
            return dataKey(toolId).map(key -> {
                Map<String, String> values = new LinkedHashMap<>();
                rows.forEach(row -> values.put(row.name, cipher.decrypt(key, toolId, row.name, row.ciphertext)));
                return values;
            });
        });
    }

    /**
     * A redaction of whichever of {@code names} are set for the tool, to clean what comes back from
     * a run defensively; never fails for a missing secret. Must run inside a session.
     */
    public Uni<SecretRedaction> redactionFor(UUID toolId, List<String> names) {
        if (names.isEmpty() || !cipher.configured()) {
            return Uni.createFrom().item(SecretRedaction.NONE);
        }
        return secrets.named(toolId, names)
                .chain(rows -> rows.isEmpty()
                        ? Uni.createFrom().item(SecretRedaction.NONE)
                        : dataKey(toolId).map(key -> {
                            Map<String, String> values = new LinkedHashMap<>();
                            rows.forEach(
                                    row -> values.put(row.name, cipher.decrypt(key, toolId, row.name, row.ciphertext)));
                            return SecretRedaction.of(values);
                        }));
    }

    /** What a start-up found among the stored data keys: how many it re-wrapped, and keys it cannot unwrap. */
    public record RewrapOutcome(int rewrapped, Map<String, Long> unknownMasterKeys) {}

    /**
     * Re-wraps every data key still wrapped by the previous master key with the current one, so
     * the previous key can be retired, and counts data keys wrapped by a key held neither as
     * current nor previous (their tools' secrets stay unusable until that key is configured).
     */
    @WithTransaction
    public Uni<RewrapOutcome> rewrapDataKeys() {
        if (!cipher.configured()) {
            return Uni.createFrom().item(new RewrapOutcome(0, Map.of()));
        }
        return dataKeys.notWrappedBy(currentKeyId()).map(keys -> {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            int rewrapped = 0;
            Map<String, Long> unknown = new LinkedHashMap<>();
            for (ToolDataKey key : keys) {
                if (!cipher.canUnwrap(key.wrapped())) {
                    unknown.merge(key.masterKeyId, 1L, Long::sum);
                    continue;
                }
                SecretCipher.WrappedKey fresh = cipher.rewrap(key.wrapped(), key.toolId);
                key.masterKeyId = fresh.masterKeyId();
                key.wrappedKey = fresh.wrapped();
                key.rewrappedAt = now;
                rewrapped++;
            }
            return new RewrapOutcome(rewrapped, unknown);
        });
    }

    public boolean configured() {
        return cipher.configured();
    }

    String currentKeyId() {
        return keys.current().map(MasterKeys.Key::id).orElse("");
    }

    /** The tool's data key, created (wrapped by the current master key) on first use. */
    private Uni<SecretKey> dataKey(UUID toolId) {
        return dataKeys.findById(toolId).chain(stored -> {
            if (stored != null) {
                if (!cipher.canUnwrap(stored.wrapped())) {
                    return Uni.createFrom().failure(unknownMasterKey(toolId, stored.masterKeyId));
                }
                return Uni.createFrom().item(cipher.unwrap(stored.wrapped(), toolId));
            }
            SecretCipher.WrappedKey fresh = cipher.newDataKey(toolId);
            ToolDataKey row = new ToolDataKey();
            row.toolId = toolId;
            row.masterKeyId = fresh.masterKeyId();
            row.wrappedKey = fresh.wrapped();
            row.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
            return dataKeys.persist(row).map(ignored -> cipher.unwrap(fresh, toolId));
        });
    }

    private Uni<Void> requireConfigured() {
        return cipher.configured()
                ? Uni.createFrom().voidItem()
                : Uni.createFrom()
                        .failure(ProblemException.unavailable("tool secrets are not configured on this registry:"
                                + " the operator sets PROMETHEUS_SECRETS_KEY (or PROMETHEUS_SECRETS_KEY_FILE)"));
    }

    /** A tool without secrets needs no data key; dropping it lets a tool sealed under a lost key start afresh. */
    private Uni<Void> dropDataKeyIfUnused(UUID toolId) {
        return secrets.countOf(toolId)
                .chain(count -> count > 0
                        ? Uni.createFrom().voidItem()
                        : dataKeys.findById(toolId)
                                .chain(key -> key == null ? Uni.createFrom().voidItem() : dataKeys.delete(key)));
    }

    private static ProblemException unknownMasterKey(UUID toolId, String masterKeyId) {
        return new ProblemException(
                ProblemType.CONFLICT,
                "secret-key-unknown",
                "the secrets of this tool were sealed"
                        + " with master key " + masterKeyId + ", which this registry does not hold (neither"
                        + " PROMETHEUS_SECRETS_KEY nor PROMETHEUS_SECRETS_PREVIOUS_KEY): configure that key as the previous"
                        + " key, or delete the tool's secrets (DELETE /api/v1/tools/{name}/secrets/{secret}) and set them again");
    }

    private static ProblemException missing(String toolName, List<String> missing) {
        return new ProblemException(
                ProblemType.CONFLICT,
                "secret-missing",
                "tool '" + toolName + "' uses "
                        + (missing.size() == 1 ? "secret " : "secrets ") + String.join(", ", missing)
                        + ", which " + (missing.size() == 1 ? "is" : "are") + " not set; a manager of the tool sets "
                        + (missing.size() == 1 ? "it" : "them") + " with PUT /api/v1/tools/" + toolName
                        + "/secrets/{name}");
    }

    private static ToolSecret newSecret(UUID toolId, String name) {
        ToolSecret row = new ToolSecret();
        row.id = UUID.randomUUID();
        row.toolId = toolId;
        row.name = name;
        return row;
    }

    private String reason(Caller caller, Tool tool) {
        return access.decide(caller, tool.ownership(), ToolAction.MANAGE).reason();
    }
}
