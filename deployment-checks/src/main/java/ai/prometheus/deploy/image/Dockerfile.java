package ai.prometheus.deploy.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Dockerfile read as its instructions: comments dropped, continuation lines joined. */
public record Dockerfile(List<Instruction> instructions) {

    private static final Pattern PORT = Pattern.compile("(?:^|\\s)PORT=(\\d+)");

    public static Dockerfile read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    public static Dockerfile parse(String text) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String full = current.toString().strip();
            current.setLength(0);
            if (full.isEmpty()) {
                continue;
            }
            int space = full.indexOf(' ');
            instructions.add(
                    space < 0
                            ? new Instruction(full.toUpperCase(Locale.ROOT), "")
                            : new Instruction(
                                    full.substring(0, space).toUpperCase(Locale.ROOT),
                                    full.substring(space + 1).strip()));
        }
        return new Dockerfile(instructions);
    }

    public List<String> all(String keyword) {
        return instructions.stream()
                .filter(i -> i.keyword().equals(keyword))
                .map(Instruction::arguments)
                .toList();
    }

    public Optional<String> last(String keyword) {
        List<String> found = all(keyword);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }

    /** The PORT the image sets in an ENV instruction. */
    public Optional<String> port() {
        for (String env : all("ENV")) {
            Matcher matcher = PORT.matcher(env);
            if (matcher.find()) {
                return Optional.of(matcher.group(1));
            }
        }
        return Optional.empty();
    }

    public record Instruction(String keyword, String arguments) {}
}
