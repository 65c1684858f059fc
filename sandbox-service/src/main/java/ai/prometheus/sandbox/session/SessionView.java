package ai.prometheus.sandbox.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A session as the API shows it; {@code usedBytes} and {@code files} are measured when it is fetched. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionView(
        UUID id,
        String owner,
        String principal,
        String onBehalfOf,
        long quotaBytes,
        Long usedBytes,
        Integer files,
        long idleTtlSeconds,
        int runs,
        OffsetDateTime createdAt,
        OffsetDateTime lastUsedAt,
        OffsetDateTime expiresAt) {

    static SessionView of(SandboxSession session, Long usedBytes, Integer files) {
        return new SessionView(
                session.id,
                session.owner,
                session.principal,
                session.onBehalfOf,
                session.quotaBytes,
                usedBytes,
                files,
                session.idleTtlSeconds,
                session.runs,
                session.createdAt,
                session.lastUsedAt,
                session.expiresAt);
    }
}
