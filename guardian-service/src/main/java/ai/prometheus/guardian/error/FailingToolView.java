package ai.prometheus.guardian.error;

import java.time.OffsetDateTime;

/** A tool and how often its invocations failed in the window asked for. */
public record FailingToolView(String tool, long failures, long groups, OffsetDateTime lastFailure) {}
