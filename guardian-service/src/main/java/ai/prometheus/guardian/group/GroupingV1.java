package ai.prometheus.guardian.group;

import ai.prometheus.shared.event.ErrorReported;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Grouping version 1: service, error type, and either the innermost in-app stack frames (module
 * and function, no line numbers) or, without a usable stack, the normalized message.
 *
 * <p>Frozen: its output is pinned by a test. To group differently, add {@code GroupingV2} and make
 * it current; never edit this class in a way that changes a fingerprint.
 */
public final class GroupingV1 implements GroupingAlgorithm {

    /** Enough frames to tell call sites apart; deeper frames are shared plumbing. */
    static final int MAX_FRAMES = 8;

    @Override
    public int version() {
        return 1;
    }

    @Override
    public Fingerprint fingerprint(ErrorReported error) {
        List<String> parts = new ArrayList<>();
        parts.add("service=" + nullToEmpty(error.service()).trim());
        parts.add("type=" + nullToEmpty(error.errorType()).trim());
        List<StackFrame> frames = StackTraceParser.parse(error.stackTrace());
        List<StackFrame> chosen =
                frames.stream().filter(StackFrame::inApp).limit(MAX_FRAMES).toList();
        if (chosen.isEmpty()) {
            // A trace with only runtime frames still says where it failed, better than the message.
            chosen = frames.stream().limit(MAX_FRAMES).toList();
        }
        if (chosen.isEmpty()) {
            parts.add("message=" + MessageNormalizer.normalize(error.errorMessage()));
        } else {
            parts.add("frames="
                    + String.join(
                            " < ", chosen.stream().map(StackFrame::toString).toList()));
        }
        String basis = String.join("\n", parts);
        return new Fingerprint(version(), sha256(basis), basis);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
