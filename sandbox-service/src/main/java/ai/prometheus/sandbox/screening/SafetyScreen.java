package ai.prometheus.sandbox.screening;

import ai.prometheus.sandbox.host.Language;
import ai.prometheus.shared.sandbox.ExecutionResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The static pre-screen: finds hostile patterns in code before it runs and answers allow, warn or
 * deny according to the policy. It is an early, explained refusal, not a security boundary: the
 * isolation holds with the screen off.
 */
@ApplicationScoped
public class SafetyScreen {

    public static final String ALLOW = "ALLOW";
    public static final String WARN = "WARN";
    public static final String DENY = "DENY";
    static final int MAX_FINDINGS = 50;
    static final String NETWORK_RULE = "network";

    private final ScreeningConfig config;

    public SafetyScreen(ScreeningConfig config) {
        this.config = config;
    }

    /** The verdict and findings for {@code code}, or null when the screen is off. */
    public ExecutionResult.Screening screen(Language language, String code) {
        return screen(language, code, false);
    }

    /**
     * The same for a run that may have network access: then network use is what it is meant to do,
     * and the {@value #NETWORK_RULE} rule does not apply (the egress proxy enforces the policy).
     */
    public ExecutionResult.Screening screen(Language language, String code, boolean networkGranted) {
        if (config.mode() == ScreeningConfig.Mode.OFF) {
            return null;
        }
        List<ExecutionResult.Finding> findings = new ArrayList<>();
        boolean deny = false;
        for (ScreeningRule rule : ScreeningRules.ALL) {
            ScreeningConfig.RuleAction action = actionFor(rule);
            Pattern pattern = rule.patterns().get(language);
            if (action == ScreeningConfig.RuleAction.OFF
                    || pattern == null
                    || (networkGranted && NETWORK_RULE.equals(rule.id()))) {
                continue;
            }
            Matcher matcher = pattern.matcher(code);
            if (matcher.find()) {
                findings.add(new ExecutionResult.Finding(
                        rule.id(), rule.severity().label(), rule.message(), lineOf(code, matcher.start())));
                deny |= action == ScreeningConfig.RuleAction.DENY;
                if (findings.size() == MAX_FINDINGS) {
                    break;
                }
            }
        }
        String verdict = deny ? DENY : findings.isEmpty() ? ALLOW : WARN;
        return new ExecutionResult.Screening(verdict, findings);
    }

    public static boolean denied(ExecutionResult.Screening screening) {
        return screening != null && DENY.equals(screening.verdict());
    }

    private ScreeningConfig.RuleAction actionFor(ScreeningRule rule) {
        ScreeningConfig.RuleAction override = config.rules().get(rule.id());
        if (override != null) {
            return override;
        }
        if (config.mode() == ScreeningConfig.Mode.ENFORCE && rule.severity().compareTo(config.denyAt()) >= 0) {
            return ScreeningConfig.RuleAction.DENY;
        }
        return ScreeningConfig.RuleAction.WARN;
    }

    private static int lineOf(String code, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
