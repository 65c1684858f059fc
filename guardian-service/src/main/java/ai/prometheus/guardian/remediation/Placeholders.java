package ai.prometheus.guardian.remediation;

import java.time.Duration;

/** Fills {@code {rule}}, {@code {tool}}, {@code {count}}, ... in texts a rule defines. */
final class Placeholders {

    private Placeholders() {}

    static String fill(String template, ActionHandler.Trigger trigger) {
        return template.replace("{rule}", trigger.ruleName())
                .replace("{tool}", String.valueOf(trigger.attributes().getOrDefault("tool", "")))
                .replace("{service}", trigger.service())
                .replace("{errorType}", trigger.errorType())
                .replace("{count}", Long.toString(trigger.count()))
                .replace("{window}", describe(Duration.ofSeconds(trigger.windowSeconds())))
                .replace("{group}", String.valueOf(trigger.groupId()));
    }

    static String describe(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 3600 == 0) {
            return seconds / 3600 + (seconds == 3600 ? " hour" : " hours");
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + (seconds == 60 ? " minute" : " minutes");
        }
        return seconds + (seconds == 1 ? " second" : " seconds");
    }
}
