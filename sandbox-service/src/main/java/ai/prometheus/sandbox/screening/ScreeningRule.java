package ai.prometheus.sandbox.screening;

import ai.prometheus.sandbox.host.Language;
import java.util.Map;
import java.util.regex.Pattern;

/** One hostile pattern, with a regular expression per language it applies to. */
record ScreeningRule(String id, Severity severity, String message, Map<Language, Pattern> patterns) {

    static ScreeningRule of(String id, Severity severity, String message, String python, String node, String bash) {
        Map<Language, Pattern> patterns = new java.util.EnumMap<>(Language.class);
        if (python != null) {
            patterns.put(Language.PYTHON, Pattern.compile(python, Pattern.MULTILINE));
        }
        if (node != null) {
            patterns.put(Language.NODE, Pattern.compile(node, Pattern.MULTILINE));
        }
        if (bash != null) {
            patterns.put(Language.BASH, Pattern.compile(bash, Pattern.MULTILINE));
        }
        return new ScreeningRule(id, severity, message, Map.copyOf(patterns));
    }
}
