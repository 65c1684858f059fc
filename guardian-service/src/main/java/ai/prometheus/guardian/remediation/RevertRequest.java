package ai.prometheus.guardian.remediation;

import jakarta.validation.constraints.Size;

/** Optional body of POST /actions/{id}/revert: the reason passed on (e.g. shown by the re-enabled tool). */
public record RevertRequest(@Size(max = 500) String reason) {}
