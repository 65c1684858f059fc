package ai.prometheus.shared.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Sends a request exactly as written over a socket, for what HTTP clients refuse to send (a
 * malformed escape, an oversized URI, a body length that is never delivered), and reads what the
 * service answers until it closes the connection.
 */
public final class RawHttp {

    private RawHttp() {}

    /** {@code requestLineAndHeaders}: the request line and any headers, each ending in CRLF. */
    public static RawResponse send(String requestLineAndHeaders) throws IOException {
        return send(requestLineAndHeaders, "");
    }

    /** As {@link #send(String)}, then {@code body} (give its Content-Length among the headers). */
    public static RawResponse send(String requestLineAndHeaders, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write((requestLineAndHeaders + "Host: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(body.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return RawResponse.parse(readAnswer(socket));
        }
    }

    /**
     * POSTs {@code body} as JSON to {@code url} with {@code headers} and leaves the answer unread:
     * for tests of what a service does when its client goes away (closing the socket is the client
     * leaving), which an HTTP client library would hide. The caller closes the socket.
     */
    public static Socket open(URL url, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder("POST " + url.getPath() + " HTTP/1.1\r\n")
                .append("Host: ")
                .append(url.getHost())
                .append(':')
                .append(url.getPort())
                .append("\r\n")
                .append("Content-Type: application/json\r\n");
        headers.forEach(
                (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        Socket socket = new Socket(url.getHost(), url.getPort());
        // A test that waits for an answer that never comes fails rather than hangs.
        socket.setSoTimeout(90_000);
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }

    /** The answer of an {@link #open} socket, as UTF-8 lines. */
    public static BufferedReader lines(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads lines until one matches; fails naming {@code what} if the answer ends first. */
    public static String awaitLine(BufferedReader reader, Predicate<String> matches, String what) throws IOException {
        String line;
        do {
            line = reader.readLine();
            assertNotNull(line, "the answer ended before " + what);
        } while (!matches.test(line));
        return line;
    }

    /**
     * As {@link #send(String)} with a chunked body of {@code chunks} copies of {@code chunk}, written
     * while the answer is read: a service may answer (and close) before the body ends.
     */
    public static RawResponse sendChunked(String requestLineAndHeaders, byte[] chunk, int chunks) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(15_000);
            java.util.concurrent.CompletableFuture<String> answer =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return readAnswer(socket);
                        } catch (IOException e) {
                            return "";
                        }
                    });
            OutputStream out = socket.getOutputStream();
            try {
                out.write((requestLineAndHeaders
                                + "Host: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                for (int i = 0; i < chunks && !answer.isDone(); i++) {
                    out.write(size);
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException closed) {
                // The service answered and closed the connection before the body ended.
            }
            return RawResponse.parse(answer.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    /** What the service answers, read until the body is complete or the connection ends. */
    private static String readAnswer(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                received.write(buffer, 0, n);
                if (complete(received.toString(StandardCharsets.UTF_8))) {
                    break;
                }
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // What arrived is the answer.
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /** Whether a response with a Content-Length has all of its body. */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                int length = Integer.parseInt(line.substring(15).trim());
                return text.substring(end + 4).getBytes(StandardCharsets.UTF_8).length >= length;
            }
        }
        return false;
    }

    public record RawResponse(int status, String headers, String body) {

        static RawResponse parse(String text) {
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            String body = end < 0 ? "" : text.substring(end + 4);
            String[] statusLine = head.split("\r\n", 2)[0].split(" ");
            int status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : -1;
            return new RawResponse(status, head, body);
        }

        public void assertProblem(int expectedStatus) {
            assertEquals(expectedStatus, status, "status of:\n" + headers + "\n\n" + body);
            assertTrue(
                    headers.toLowerCase(Locale.ROOT).contains("content-type: application/problem+json"),
                    "problem details expected:\n" + headers + "\n\n" + body);
            assertTrue(body.contains("\"status\":" + expectedStatus), body);
        }
    }
}
