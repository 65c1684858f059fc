package ai.prometheus.guardian.intake;

import ai.prometheus.guardian.error.ErrorLog;
import ai.prometheus.guardian.error.ErrorLogRepository;
import ai.prometheus.guardian.group.ErrorGroupService;
import ai.prometheus.guardian.group.Fingerprint;
import ai.prometheus.guardian.group.Fingerprinter;
import ai.prometheus.guardian.group.GroupState;
import ai.prometheus.guardian.remediation.RemediationEngine;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.MalformedEventException;
import ai.prometheus.shared.platform.inbox.ProcessedEvents;
import ai.prometheus.shared.platform.web.StorableText;
import ai.prometheus.shared.problem.Problem.FieldError;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stores reported errors, each event once however often it is delivered, counts each into its
 * group and lets the remediation rules judge it, all in one transaction: an error is stored,
 * grouped and acted on together, or not at all (and then redelivered).
 */
@ApplicationScoped
public class ErrorIntake {

    static final String CONSUMER = "guardian.error-intake";

    private final ErrorLogRepository errors;
    private final ProcessedEvents processed;
    private final ErrorValidation validation;
    private final Fingerprinter fingerprinter;
    private final ErrorGroupService groups;
    private final RemediationEngine remediation;
    private final IntakeMetrics metrics;

    public ErrorIntake(
            ErrorLogRepository errors,
            ProcessedEvents processed,
            ErrorValidation validation,
            Fingerprinter fingerprinter,
            ErrorGroupService groups,
            RemediationEngine remediation,
            IntakeMetrics metrics) {
        this.remediation = remediation;
        this.metrics = metrics;
        this.errors = errors;
        this.processed = processed;
        this.validation = validation;
        this.fingerprinter = fingerprinter;
        this.groups = groups;
    }

    /**
     * Where an error came from. {@code reportedBy}: the HTTP caller, null for the suite's events;
     * {@code trusted}: the origin is authenticated for the error's service, so rules may act on it.
     */
    public record Origin(String reportedBy, boolean trusted) {

        /** An event from the suite's own Kafka topics. */
        public static final Origin SUITE = new Origin(null, true);
    }

    /** What became of an accepted error. {@code duplicate}: the event was stored before, nothing changed. */
    public record Stored(UUID errorId, UUID groupId, boolean duplicate) {}

    /**
     * Stores {@code error} unless event {@code eventId} was stored before. Fails with a
     * {@link MalformedEventException} naming each problem when the error breaks the intake limits.
     */
    public Uni<Stored> accept(String eventId, ErrorReported error) {
        return accept(eventId, error, Origin.SUITE);
    }

    /** As {@link #accept(String, ErrorReported)}, for an error from {@code origin}. */
    public Uni<Stored> accept(String eventId, ErrorReported reported, Origin origin) {
        // Reports are often about input the database refused (a dead letter holding NUL): store them anyway.
        ErrorReported error = storable(reported);
        List<FieldError> problems = validation.problems(error);
        if (!problems.isEmpty()) {
            metrics.received(origin, "rejected");
            return Uni.createFrom()
                    .failure(new MalformedEventException(
                            "error event " + eventId + " rejected: " + ErrorValidation.describe(problems)));
        }
        Fingerprint fingerprint = fingerprinter.fingerprint(error);
        AtomicReference<Stored> stored = new AtomicReference<>();
        AtomicReference<IntakeMetrics.Grouping> grouping = new AtomicReference<>();
        return Panache.withTransaction(() -> processed
                        .once(
                                CONSUMER,
                                eventId,
                                () -> store(eventId, error, origin, fingerprint, grouping)
                                        .invoke(stored::set))
                        .chain(fresh -> fresh
                                ? Uni.createFrom().item(stored.get())
                                : errors.findByEventId(eventId)
                                        .map(existing -> existing == null
                                                ? new Stored(null, null, true)
                                                : new Stored(existing.id, existing.groupId, true))))
                .invoke(result -> {
                    metrics.received(origin, result.duplicate() ? "duplicate" : "stored");
                    if (!result.duplicate() && grouping.get() != null) {
                        metrics.grouped(grouping.get());
                    }
                });
    }

    private Uni<Stored> store(
            String eventId,
            ErrorReported error,
            Origin origin,
            Fingerprint fingerprint,
            AtomicReference<IntakeMetrics.Grouping> grouping) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return groups.record(
                        fingerprint,
                        error.service(),
                        error.errorType(),
                        error.errorMessage(),
                        error.attributes().get("tool"),
                        now)
                .chain(group -> {
                    grouping.set(
                            group.eventCount == 1
                                    ? IntakeMetrics.Grouping.NEW
                                    : group.state() == GroupState.REGRESSED && now.equals(group.stateChangedAt)
                                            ? IntakeMetrics.Grouping.REGRESSED
                                            : IntakeMetrics.Grouping.EXISTING);
                    ErrorLog log = toLog(eventId, error, now);
                    log.groupId = group.id;
                    log.fingerprint = fingerprint.hash();
                    log.fingerprintVersion = fingerprint.version();
                    log.reportedBy = origin.reportedBy();
                    log.trusted = origin.trusted();
                    return errors.persist(log)
                            .chain(() -> remediation.onError(log, group))
                            .replaceWith(new Stored(log.id, group.id, false));
                });
    }

    private static ErrorReported storable(ErrorReported error) {
        Map<String, String> attributes = new LinkedHashMap<>();
        error.attributes()
                .forEach((key, value) -> attributes.put(StorableText.sanitize(key), StorableText.sanitize(value)));
        return new ErrorReported(
                StorableText.sanitize(error.service()),
                StorableText.sanitize(error.errorType()),
                StorableText.sanitize(error.errorMessage()),
                StorableText.sanitize(error.stackTrace()),
                StorableText.sanitize(error.traceId()),
                attributes,
                error.occurredAt());
    }

    private static ErrorLog toLog(String eventId, ErrorReported error, OffsetDateTime now) {
        ErrorLog log = new ErrorLog();
        log.id = UUID.randomUUID();
        log.eventId = eventId;
        log.service = error.service();
        log.errorType = error.errorType();
        log.errorMessage = error.errorMessage();
        log.stackTrace = error.stackTrace();
        log.traceId = error.traceId();
        log.attributes = error.attributes();
        log.createdAt = now;
        log.occurredAt = error.occurredAt() == null ? now : error.occurredAt().atOffset(ZoneOffset.UTC);
        log.fixApplied = false;
        return log;
    }
}
