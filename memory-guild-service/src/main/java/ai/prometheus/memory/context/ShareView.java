package ai.prometheus.memory.context;

import java.time.OffsetDateTime;
import java.util.UUID;

public record ShareView(
        UUID id,
        UUID contextId,
        String granteeType,
        String grantee,
        String access,
        OffsetDateTime expiresAt,
        boolean expired,
        String createdBy,
        OffsetDateTime createdAt) {

    static ShareView of(Share share) {
        boolean expired = share.expiresAt != null && !share.expiresAt.isAfter(OffsetDateTime.now());
        return new ShareView(
                share.id,
                share.contextId,
                share.granteeType,
                share.grantee,
                share.access,
                share.expiresAt,
                expired,
                share.createdBy,
                share.createdAt);
    }
}
