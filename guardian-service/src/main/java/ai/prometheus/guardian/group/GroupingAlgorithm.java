package ai.prometheus.guardian.group;

import ai.prometheus.shared.event.ErrorReported;

/**
 * Computes the fingerprint that decides which group an error joins. Each algorithm has a version
 * stored with every group it created: a new version is a new class with a new number, and the
 * old one stays unchanged, so improving grouping never moves the events of existing issues.
 */
public interface GroupingAlgorithm {

    int version();

    Fingerprint fingerprint(ErrorReported error);
}
