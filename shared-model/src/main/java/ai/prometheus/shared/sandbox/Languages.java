package ai.prometheus.shared.sandbox;

import java.util.Set;

/** The languages the sandbox runs; the registry accepts tools only in these. */
public final class Languages {

    public static final String PYTHON = "python";
    public static final String NODE = "node";
    public static final String BASH = "bash";
    public static final Set<String> SUPPORTED = Set.of(PYTHON, NODE, BASH);

    private Languages() {}
}
