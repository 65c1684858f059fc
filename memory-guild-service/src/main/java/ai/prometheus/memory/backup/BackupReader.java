package ai.prometheus.memory.backup;

import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.shared.problem.ProblemException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a backup file line by line, checks every record, and hands each one to a {@link Visitor}.
 * A file that is not a backup, of an unknown version, malformed, out of order or truncated fails
 * with a 400 problem naming the line, before or while the visitor works (a restore runs in one
 * transaction, so a late failure leaves nothing behind).
 *
 * <p>Size: ~300 lines because it checks one file format in one pass: the header, order, depth,
 * count and trailer checks share the state of the loop that reads the lines, so splitting it would
 * scatter the format's rules.
 */
final class BackupReader {

    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");

    interface Visitor {
        void header(BackupFormat.Header header);

        void context(BackupFormat.ContextRecord context);

        void memory(BackupFormat.MemoryRecord memory);

        void share(BackupFormat.ShareRecord share);
    }

    /**
     * What a restored record may hold: the limits the REST API enforces on the same data, and the
     * longest line that can carry a record within them.
     */
    record Limits(int maxContentChars, int maxMetadataBytes, int maxDepth) {

        static Limits of(MemoryConfig config) {
            return new Limits(
                    config.memories().maxContentChars(),
                    config.memories().maxMetadataBytes(),
                    config.contexts().maxDepth());
        }

        /**
         * A memory's content escaped in JSON (at most six characters per character), its metadata,
         * a context's data and metadata, an embedding and the fixed fields, with room to spare.
         */
        int maxLineChars() {
            return 6 * maxContentChars + 2 * maxMetadataBytes + 64 * 1024;
        }
    }

    private final ObjectMapper mapper;
    private final Limits limits;

    BackupReader(ObjectMapper mapper, Limits limits) {
        this.mapper = mapper;
        this.limits = limits;
    }

    /** Reads the whole file; answers its trailer. */
    BackupFormat.Trailer read(InputStream compressed, Visitor visitor) throws IOException {
        Lines lines;
        try {
            lines = new Lines(
                    new InputStreamReader(new GZIPInputStream(compressed, 1 << 16), StandardCharsets.UTF_8),
                    limits.maxLineChars());
        } catch (ZipException e) {
            throw invalid(0, "is not gzip-compressed");
        } catch (java.io.EOFException e) {
            throw invalid(0, "is empty");
        }
        long lineNumber = 0;
        BackupFormat.Header header = null;
        Map<UUID, Integer> contexts = new HashMap<>(); // id -> depth below the file's roots
        long memories = 0;
        long shares = 0;
        String line;
        try {
            while ((line = lines.next(lineNumber + 1)) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = parse(lineNumber, line);
                if (header == null) {
                    header = convert(lineNumber, node, BackupFormat.Header.class);
                    if (!BackupFormat.FORMAT.equals(header.format())) {
                        throw invalid(lineNumber, "is not a " + BackupFormat.FORMAT + " header");
                    }
                    if (header.version() != BackupFormat.VERSION) {
                        throw invalid(
                                lineNumber,
                                "has format version " + header.version() + "; this service reads version "
                                        + BackupFormat.VERSION);
                    }
                    visitor.header(header);
                    continue;
                }
                String type = node.path("type").asText("");
                switch (type) {
                    case BackupFormat.CONTEXT -> {
                        BackupFormat.ContextRecord context =
                                convert(lineNumber, node, BackupFormat.ContextRecord.class);
                        require(lineNumber, context.id() != null, "a context needs an id");
                        boolean root = header.roots() != null && header.roots().contains(context.id());
                        require(
                                lineNumber,
                                context.parentContextId() == null
                                        || root
                                        || contexts.containsKey(context.parentContextId()),
                                "context " + context.id() + " comes before its parent " + context.parentContextId());
                        require(
                                lineNumber,
                                context.createdAt() != null,
                                "context " + context.id() + " needs createdAt");
                        int depth = context.parentContextId() == null || root
                                ? 0
                                : contexts.get(context.parentContextId()) + 1;
                        require(
                                lineNumber,
                                depth <= limits.maxDepth(),
                                "context " + context.id() + " is at depth " + depth + ", deeper than the limit of "
                                        + limits.maxDepth());
                        requireJson(lineNumber, "contextData of context " + context.id(), context.contextData(), false);
                        requireJson(lineNumber, "metadata of context " + context.id(), context.metadata(), true);
                        contexts.put(context.id(), depth);
                        visitor.context(context);
                    }
                    case BackupFormat.MEMORY -> {
                        BackupFormat.MemoryRecord memory = convert(lineNumber, node, BackupFormat.MemoryRecord.class);
                        require(lineNumber, memory.id() != null, "a memory needs an id");
                        require(
                                lineNumber,
                                contexts.containsKey(memory.contextId()),
                                "memory " + memory.id() + " belongs to a context that is not in the file");
                        require(
                                lineNumber,
                                memory.content() != null && !memory.content().isBlank(),
                                "memory " + memory.id() + " has no content");
                        require(
                                lineNumber,
                                memory.content().length() <= limits.maxContentChars(),
                                "memory " + memory.id() + " has more than " + limits.maxContentChars()
                                        + " characters of content");
                        requireJson(lineNumber, "metadata of memory " + memory.id(), memory.metadata(), true);
                        require(
                                lineNumber,
                                memory.kind() != null
                                        && KIND.matcher(memory.kind()).matches(),
                                "memory " + memory.id() + " has an invalid kind");
                        require(
                                lineNumber,
                                memory.importance() >= 0 && memory.importance() <= 1,
                                "memory " + memory.id() + " has an importance outside 0..1");
                        require(
                                lineNumber,
                                memory.createdAt() != null && memory.updatedAt() != null,
                                "memory " + memory.id() + " needs createdAt and updatedAt");
                        memories++;
                        visitor.memory(memory);
                    }
                    case BackupFormat.SHARE -> {
                        BackupFormat.ShareRecord share = convert(lineNumber, node, BackupFormat.ShareRecord.class);
                        require(
                                lineNumber,
                                share.id() != null && contexts.containsKey(share.contextId()),
                                "share " + share.id() + " needs an id and a context in the file");
                        require(
                                lineNumber,
                                share.granteeType() != null
                                        && share.granteeType().matches("user|agent|group"),
                                "share " + share.id() + " has an invalid granteeType");
                        require(
                                lineNumber,
                                share.access() != null && share.access().matches("read|write"),
                                "share " + share.id() + " has an invalid access");
                        require(
                                lineNumber,
                                share.grantee() != null && !share.grantee().isBlank(),
                                "share " + share.id() + " has no grantee");
                        shares++;
                        visitor.share(share);
                    }
                    case BackupFormat.END -> {
                        BackupFormat.Trailer trailer = convert(lineNumber, node, BackupFormat.Trailer.class);
                        require(
                                lineNumber,
                                trailer.contexts() == contexts.size()
                                        && trailer.memories() == memories
                                        && trailer.shares() == shares,
                                "the counts of the trailer do not match the file");
                        return trailer;
                    }
                    default -> throw invalid(lineNumber, "has an unknown record type '" + type + "'");
                }
            }
        } catch (ZipException | java.io.EOFException e) {
            throw invalid(lineNumber, "ends in the middle of its compressed data");
        }
        throw invalid(lineNumber, header == null ? "is empty" : "has no end record: the file is truncated");
    }

    /** Free-form JSON of a record within the REST API's size limit; metadata must be an object. */
    private void requireJson(long lineNumber, String what, JsonNode value, boolean object) {
        if (value == null || value.isNull()) {
            return;
        }
        require(lineNumber, !object || value.isObject(), what + " must be a JSON object");
        require(
                lineNumber,
                value.toString().getBytes(StandardCharsets.UTF_8).length <= limits.maxMetadataBytes(),
                what + " is larger than " + limits.maxMetadataBytes() + " bytes of JSON");
    }

    private JsonNode parse(long lineNumber, String line) {
        try {
            return mapper.readTree(line);
        } catch (JsonProcessingException e) {
            throw invalid(lineNumber, "is not JSON");
        }
    }

    private <T> T convert(long lineNumber, JsonNode node, Class<T> type) {
        try {
            return mapper.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw invalid(lineNumber, "is not a valid " + type.getSimpleName() + " record");
        }
    }

    private static void require(long lineNumber, boolean condition, String reason) {
        if (!condition) {
            throw invalid(lineNumber, reason);
        }
    }

    private static ProblemException invalid(long lineNumber, String reason) {
        return ProblemException.invalidField(
                "file", lineNumber == 0 ? "the file " + reason : "line " + lineNumber + ": " + reason);
    }

    /**
     * The file's lines, each at most {@code maxChars} long. A longer line (one without a newline,
     * say) fails as soon as it passes the bound, instead of being read whole into memory.
     */
    private static final class Lines {

        private final Reader in;
        private final int maxChars;
        private final char[] buffer = new char[1 << 16];
        private int position;
        private int end;

        Lines(Reader in, int maxChars) {
            this.in = in;
            this.maxChars = maxChars;
        }

        /** The next line without its terminator, or null at the end of the file. */
        String next(long lineNumber) throws IOException {
            StringBuilder line = null;
            while (true) {
                if (position == end) {
                    end = in.read(buffer);
                    position = 0;
                    if (end <= 0) {
                        end = 0;
                        return line == null ? null : line.toString();
                    }
                }
                int start = position;
                while (position < end && buffer[position] != '\n') {
                    position++;
                }
                if (line == null) {
                    line = new StringBuilder();
                }
                if (line.length() + (position - start) > maxChars) {
                    throw invalid(lineNumber, "is longer than " + maxChars + " characters");
                }
                line.append(buffer, start, position - start);
                if (position < end) {
                    position++; // the newline
                    int length = line.length();
                    if (length > 0 && line.charAt(length - 1) == '\r') {
                        line.setLength(length - 1);
                    }
                    return line.toString();
                }
            }
        }
    }
}
