package ai.prometheus.sandbox.session;

import java.time.OffsetDateTime;

/**
 * One entry of a session workspace.
 *
 * @param path relative to the workspace, with {@code /} between directories
 * @param type {@code file}, {@code directory} or {@code symlink} (links are listed, never followed)
 */
public record SessionFile(String path, String type, long sizeBytes, OffsetDateTime modifiedAt) {}
