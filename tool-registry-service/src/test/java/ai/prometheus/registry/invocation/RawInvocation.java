package ai.prometheus.registry.invocation;

import ai.prometheus.shared.testing.RawHttp;
import java.io.IOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * A synchronous invocation sent over a raw socket, for tests of a caller that goes away: closing
 * the socket is exactly a TCP close, which an HTTP client library would hide.
 */
public final class RawInvocation {

    private static final byte[] NO_ARGUMENTS = "{\"arguments\":{}}".getBytes(StandardCharsets.UTF_8);

    private RawInvocation() {}

    /**
     * Posts a call of {@code tool} without arguments to the registry at {@code base}, as the bearer
     * of {@code token} under {@code idempotencyKey}, and leaves the answer unread. The caller closes
     * the socket.
     */
    public static Socket send(URL base, String token, String tool, String idempotencyKey) throws IOException {
        return RawHttp.open(
                new URL(base, "/api/v1/tools/" + tool + "/invocations"),
                Map.of("Authorization", "Bearer " + token, "Idempotency-Key", idempotencyKey),
                NO_ARGUMENTS);
    }

    /** The id the registry gives the invocation that {@code subject} sends under {@code idempotencyKey}. */
    public static UUID id(String subject, String idempotencyKey) {
        return UUID.nameUUIDFromBytes((subject + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
    }
}
