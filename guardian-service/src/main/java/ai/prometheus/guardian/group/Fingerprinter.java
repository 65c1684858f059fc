package ai.prometheus.guardian.group;

import ai.prometheus.guardian.config.GuardianConfig;
import ai.prometheus.shared.event.ErrorReported;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Fingerprints errors with the configured grouping algorithm version. */
@ApplicationScoped
public class Fingerprinter {

    /** Every version ever released; old ones stay so their behaviour remains documented and testable. */
    static final List<GroupingAlgorithm> ALGORITHMS = List.of(new GroupingV1(), new GroupingV2());

    private final GroupingAlgorithm current;

    public Fingerprinter(GuardianConfig config) {
        Map<Integer, GroupingAlgorithm> byVersion =
                ALGORITHMS.stream().collect(Collectors.toMap(GroupingAlgorithm::version, Function.identity()));
        current = byVersion.get(config.grouping().version());
        if (current == null) {
            throw new IllegalStateException(
                    "guardian.grouping.version=" + config.grouping().version()
                            + " is not a grouping algorithm; known versions: " + byVersion.keySet());
        }
    }

    public Fingerprint fingerprint(ErrorReported error) {
        return current.fingerprint(error);
    }
}
