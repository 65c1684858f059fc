package ai.prometheus.guardian.remediation;

import ai.prometheus.guardian.config.GuardianConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where webhooks may go. A rule's URL is chosen by whoever holds {@code guardian:admin}, but the
 * guardian POSTs from inside the deployment: without a check a rule could reach the cloud metadata
 * endpoint, a database port on localhost or any internal service. So only http(s) to public
 * addresses is allowed, plus what the operator lists in
 * {@code guardian.remediation.webhook-allowed-hosts}. The check runs when a rule is saved and again,
 * on the freshly resolved addresses, before each send; the send then connects to the address that
 * was checked, so a DNS answer that changes in between (rebinding) cannot redirect it.
 */
@ApplicationScoped
public class WebhookTargets {

    // Four decimal octets of at most 255, so that parsing it never falls back to a DNS lookup.
    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)");
    private static final List<Cidr> NON_PUBLIC = List.of(
            Cidr.parse("0.0.0.0/8"),
            Cidr.parse("100.64.0.0/10"),
            Cidr.parse("192.0.0.0/24"),
            Cidr.parse("198.18.0.0/15"),
            Cidr.parse("240.0.0.0/4"),
            Cidr.parse("fc00::/7"));

    private final Vertx vertx;
    private final Set<String> allowedNames = new HashSet<>();
    private final List<Cidr> allowedRanges = new ArrayList<>();

    @Inject
    public WebhookTargets(Vertx vertx, GuardianConfig config) {
        this(vertx, config.remediation().webhookAllowedHosts().orElse(List.of()));
    }

    WebhookTargets(Vertx vertx, List<String> allowedHosts) {
        this.vertx = vertx;
        for (String entry : allowedHosts) {
            String trimmed = entry.trim().toLowerCase(Locale.ROOT);
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.contains("/") || isAddressLiteral(trimmed)) {
                allowedRanges.add(Cidr.parse(trimmed));
            } else {
                allowedNames.add(trimmed);
            }
        }
    }

    /** A URL webhooks may not go to; the message says why, as a continuation of "the URL ...". */
    public static final class Refused extends RuntimeException {

        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Where a send goes: the URL and the checked address to connect to. */
    public record Target(URI uri, InetAddress address) {

        public int port() {
            return uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        }
    }

    /** Why {@code url} may not be a webhook, judged without a DNS lookup; null when nothing is wrong yet. */
    public String problem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            return "is not a URL";
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null) {
            return "must be an absolute http or https URL";
        }
        String host = hostOf(uri);
        if (allowedNames.contains(host)) {
            return null;
        }
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return refusal(host, "is the local host");
        }
        if (isAddressLiteral(host)) {
            if (!host.contains(":") && !IPV4.matcher(host).matches()) {
                return "names an invalid address";
            }
            try {
                return refusalOf(host, InetAddress.getByName(host));
            } catch (UnknownHostException e) {
                return "names an invalid address";
            }
        }
        return null;
    }

    /**
     * Resolves the URL's host and checks every address it has. Fails with {@link Refused} saying
     * why when the URL may not be used; a host that does not resolve fails with
     * {@link UnknownHostException}.
     */
    public Uni<Target> resolve(String url) {
        String problem = problem(url);
        if (problem != null) {
            return Uni.createFrom().failure(new Refused(problem));
        }
        URI uri = URI.create(url);
        String host = hostOf(uri);
        return vertx.executeBlocking(() -> InetAddress.getAllByName(host), false)
                .map(addresses -> {
                    if (!allowedNames.contains(host)) {
                        for (InetAddress address : addresses) {
                            String refused = refusalOf(host, address);
                            if (refused != null) {
                                throw new Refused(refused);
                            }
                        }
                    }
                    return new Target(uri, addresses[0]);
                });
    }

    private String refusalOf(String host, InetAddress address) {
        if (allowedRanges.stream().anyMatch(range -> range.contains(address))) {
            return null;
        }
        String kind = kindOf(address);
        return kind == null ? null : refusal(host, "resolves to " + kind + " address " + address.getHostAddress());
    }

    private static String refusal(String host, String why) {
        return "targets '" + host + "', which " + why + "; webhooks go to public addresses only unless the operator"
                + " allows the host in guardian.remediation.webhook-allowed-hosts";
    }

    /** What kind of non-public address this is, or null for a public one. */
    static String kindOf(InetAddress address) {
        InetAddress embedded = embeddedIpv4(address);
        if (embedded != null) {
            return kindOf(embedded);
        }
        if (address.isLoopbackAddress()) {
            return "a loopback";
        }
        if (address.isAnyLocalAddress()) {
            return "an unspecified";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local";
        }
        if (address.isSiteLocalAddress()) {
            return "a private";
        }
        if (address.isMulticastAddress()) {
            return "a multicast";
        }
        if (address instanceof Inet4Address && address.getHostAddress().equals("255.255.255.255")) {
            return "a broadcast";
        }
        return NON_PUBLIC.stream().anyMatch(range -> range.contains(address)) ? "a reserved or private" : null;
    }

    /** The IPv4 address inside an IPv4-compatible (::a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
    private static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] b = address.getAddress();
        boolean compatible = true;
        for (int i = 0; i < 12; i++) {
            compatible &= b[i] == 0;
        }
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b;
        for (int i = 4; i < 12 && nat64; i++) {
            nat64 = b[i] == 0;
        }
        // ::1 and :: are IPv6's own loopback and unspecified addresses, judged as such.
        if ((compatible && (b[12] != 0 || b[13] != 0 || b[14] != 0)) || nat64) {
            try {
                return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    private static String hostOf(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Dotted numbers that are no valid address (999.1.1.1) count as literals too, and are refused. */
    private static boolean isAddressLiteral(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    /** An address range; a single address is a range of full length. */
    record Cidr(byte[] network, int bits) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash);
            if (!address.contains(":") && !IPV4.matcher(address).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range");
            }
            try {
                byte[] network = InetAddress.getByName(address).getAddress();
                int bits = slash < 0 ? network.length * 8 : Integer.parseInt(text.substring(slash + 1));
                if (bits < 0 || bits > network.length * 8) {
                    throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
                }
                return new Cidr(network, bits);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range", e);
            }
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
