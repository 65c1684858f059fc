package ai.prometheus.shared.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a tool's code may connect: {@code {"allow": ["api.open-meteo.com:443", "*.example.org:443",
 * "10.0.0.7:8080", "[2001:db8::1]:443"]}}. Each entry is a host and an explicit port; a host is a DNS
 * name, an IPv4 literal or a bracketed IPv6 literal; {@code *} may stand only as the whole first
 * label and matches one or more labels ({@code *.example.org} matches {@code a.example.org} and
 * {@code a.b.example.org}, not {@code example.org}). Names match names only and literals literals
 * only: a policy naming {@code api.example.com} does not let code connect to the address it
 * resolves to. Absent or empty: no network at all.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkPolicy(List<String> allow) {

    /** More entries than any tool needs; keeps matching and storage bounded. */
    public static final int MAX_ENTRIES = 64;

    private static final int MAX_ENTRY_LENGTH = 300;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    public NetworkPolicy {
        allow = allow == null ? List.of() : List.copyOf(allow);
    }

    /** Whether the policy grants any network at all. */
    @JsonIgnore
    public boolean isEmpty() {
        return allow.isEmpty();
    }

    /** Whether a policy is present and grants something. */
    public static boolean grantsAny(NetworkPolicy policy) {
        return policy != null && !policy.isEmpty();
    }

    /** One rejected entry: its index in {@code allow} and why. */
    public record Violation(int index, String reason) {
        /** The field path an API names in its 400. */
        public String field(String prefix) {
            return prefix + ".allow[" + index + "]";
        }
    }

    /** What is wrong with each entry; empty when the policy is valid. */
    public List<Violation> violations() {
        List<Violation> violations = new ArrayList<>();
        if (allow.size() > MAX_ENTRIES) {
            violations.add(new Violation(MAX_ENTRIES, "at most " + MAX_ENTRIES + " entries"));
            return violations;
        }
        for (int i = 0; i < allow.size(); i++) {
            try {
                Rule.parse(allow.get(i));
            } catch (IllegalArgumentException e) {
                violations.add(new Violation(i, e.getMessage()));
            }
        }
        return violations;
    }

    /** The parsed rules; throws {@link IllegalArgumentException} for an invalid entry. */
    public List<Rule> rules() {
        return allow.stream().map(Rule::parse).toList();
    }

    /** The entry that admits {@code host:port}, if one does. */
    public Optional<Rule> match(String host, int port) {
        Optional<Host> target = Host.parseTarget(host);
        if (target.isEmpty()) {
            return Optional.empty();
        }
        return rules().stream().filter(rule -> rule.admits(target.get(), port)).findFirst();
    }

    /** The same policy with its entries in canonical form (lower case, IPv6 compressed), sorted and without duplicates. */
    public NetworkPolicy canonical() {
        return new NetworkPolicy(
                rules().stream().map(Rule::toString).distinct().sorted().toList());
    }

    /**
     * A parsed entry.
     *
     * @param host a lower-case name (without the wildcard), or an address literal
     * @param wildcard whether the entry was {@code *.host}
     * @param literal whether {@code host} is an address literal
     */
    public record Rule(String host, boolean wildcard, boolean literal, int port) {

        static Rule parse(String entry) {
            if (entry == null || entry.isBlank()) {
                throw new IllegalArgumentException("must be host:port");
            }
            if (entry.length() > MAX_ENTRY_LENGTH) {
                throw new IllegalArgumentException("must be at most " + MAX_ENTRY_LENGTH + " characters");
            }
            String text = entry.strip();
            int colon = text.lastIndexOf(':');
            if (colon < 0 || (text.startsWith("[") && !text.substring(0, colon).endsWith("]"))) {
                throw new IllegalArgumentException(
                        "needs an explicit port: host:port (for example api.example.com:443)");
            }
            int port = port(text.substring(colon + 1));
            String hostPart = text.substring(0, colon);
            boolean wildcard = hostPart.startsWith("*.");
            if (wildcard) {
                hostPart = hostPart.substring(2);
            }
            Host host = Host.parse(hostPart);
            if (wildcard && host.literal()) {
                throw new IllegalArgumentException("a wildcard applies to names, not to address literals");
            }
            if (wildcard && !host.value().contains(".")) {
                throw new IllegalArgumentException("a wildcard needs at least two labels after it (*.example.org)");
            }
            return new Rule(host.value(), wildcard, host.literal(), port);
        }

        private static int port(String text) {
            if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("port must be a number from 1 to 65535");
            }
            int port = Integer.parseInt(text);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be a number from 1 to 65535");
            }
            return port;
        }

        boolean admits(Host target, int targetPort) {
            if (targetPort != port || target.literal() != literal) {
                return false;
            }
            if (!wildcard) {
                return target.value().equals(host);
            }
            return target.value().endsWith("." + host);
        }

        @Override
        public String toString() {
            String shown = literal && host.contains(":") ? "[" + host + "]" : host;
            return (wildcard ? "*." : "") + shown + ":" + port;
        }
    }

    /** A host as written in an entry or asked for by a connection: a lower-case name or a canonical address literal. */
    record Host(String value, boolean literal) {

        static Host parse(String text) {
            if (text.startsWith("[")) {
                if (!text.endsWith("]")) {
                    throw new IllegalArgumentException("an IPv6 literal is written in brackets: [2001:db8::1]:443");
                }
                return new Host(ipv6(text.substring(1, text.length() - 1)), true);
            }
            if (text.contains(":")) {
                throw new IllegalArgumentException("an IPv6 literal is written in brackets: [2001:db8::1]:443");
            }
            if (text.contains("*")) {
                throw new IllegalArgumentException("'*' may only stand as the whole first label (*.example.org)");
            }
            if (IPV4.matcher(text).matches()) {
                return new Host(ipv4(text), true);
            }
            String name = text.toLowerCase(Locale.ROOT);
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            if (name.isEmpty() || name.length() > 253) {
                throw new IllegalArgumentException("host must be a DNS name of 1 to 253 characters");
            }
            for (String label : name.split("\\.", -1)) {
                if (!LABEL.matcher(label).matches()) {
                    throw new IllegalArgumentException("host '" + text + "' is not a valid DNS name (label '" + label
                            + "': letters, digits and '-', 1 to 63 characters, not starting or ending with '-')");
                }
            }
            if (name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
                throw new IllegalArgumentException("host '" + text + "' is neither a DNS name nor an IPv4 address");
            }
            return new Host(name, false);
        }

        /** A connection's target, as a client sends it ({@code [::1]} or {@code ::1}); empty when it is malformed. */
        static Optional<Host> parseTarget(String text) {
            if (text == null) {
                return Optional.empty();
            }
            String host = text.contains(":") && !text.startsWith("[") ? "[" + text + "]" : text;
            try {
                return Optional.of(parse(host));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        private static String ipv4(String text) {
            var matcher = IPV4.matcher(text);
            matcher.matches();
            StringBuilder canonical = new StringBuilder();
            for (int group = 1; group <= 4; group++) {
                String octet = matcher.group(group);
                if (octet.length() > 1 && octet.startsWith("0")) {
                    throw new IllegalArgumentException("IPv4 address '" + text + "' has an octet with a leading zero");
                }
                int value = Integer.parseInt(octet);
                if (value > 255) {
                    throw new IllegalArgumentException("IPv4 address '" + text + "' has an octet above 255");
                }
                canonical.append(group > 1 ? "." : "").append(value);
            }
            return canonical.toString();
        }

        private static String ipv6(String text) {
            if (text.isEmpty()
                    || !text.contains(":")
                    || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
            }
            try {
                // In brackets InetAddress parses a literal and never looks anything up; the canonical
                // form is its full, lower-case text (an IPv4-mapped literal comes back as IPv4).
                InetAddress address = InetAddress.getByName("[" + text + "]");
                return address.getHostAddress().toLowerCase(Locale.ROOT);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
            }
        }
    }
}
