package ai.prometheus.sandbox.egress;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Which resolved addresses a tool must not reach unless the operator allowed the exact host and
 * port: everything that is not the public internet. IPv6 forms that carry an IPv4 address
 * (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by the address they carry, so
 * {@code ::ffff:127.0.0.1} and {@code 64:ff9b::a9fe:a9fe} are what they point to.
 */
final class AddressGuard {

    private AddressGuard() {}

    /** Why {@code address} is not public, or empty when it is. */
    static Optional<String> nonPublic(InetAddress address) {
        if (address instanceof Inet4Address v4) {
            return nonPublicV4(v4.getAddress());
        }
        byte[] bytes = address.getAddress();
        Optional<byte[]> embedded = embeddedV4(bytes);
        if (embedded.isPresent()) {
            return nonPublicV4(embedded.get()).map(reason -> reason + " (carried in an IPv6 address)");
        }
        if (Arrays.equals(bytes, v6("fd00:ec2::254"))) {
            return Optional.of("a cloud metadata address");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("a loopback address");
        }
        if (address.isAnyLocalAddress()) {
            return Optional.of("the unspecified address");
        }
        if (address.isLinkLocalAddress() || address.isSiteLocalAddress()) {
            return Optional.of("a link-local or site-local address");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        if ((bytes[0] & 0xfe) == 0xfc) {
            return Optional.of("a private (unique local) address");
        }
        if ((bytes[0] & 0xff) == 0x20
                && (bytes[1] & 0xff) == 0x01
                && (bytes[2] & 0xff) == 0x0d
                && (bytes[3] & 0xff) == 0xb8) {
            return Optional.of("a documentation address");
        }
        return Optional.empty();
    }

    private static Optional<String> nonPublicV4(byte[] a) {
        int first = a[0] & 0xff;
        int second = a[1] & 0xff;
        if (first == 169 && second == 254 && (a[2] & 0xff) == 169 && (a[3] & 0xff) == 254) {
            return Optional.of("a cloud metadata address");
        }
        if (first == 127) {
            return Optional.of("a loopback address");
        }
        if (first == 0) {
            return Optional.of("the unspecified address");
        }
        if (first == 10 || (first == 172 && second >= 16 && second <= 31) || (first == 192 && second == 168)) {
            return Optional.of("a private address");
        }
        if (first == 100 && second >= 64 && second <= 127) {
            return Optional.of("a carrier-grade NAT address");
        }
        if (first == 169 && second == 254) {
            return Optional.of("a link-local address");
        }
        if (first >= 224) {
            return Optional.of(first < 240 ? "a multicast address" : "a reserved or broadcast address");
        }
        if (first == 192 && second == 0 && (a[2] & 0xff) == 0) {
            return Optional.of("an IETF protocol address");
        }
        if (first == 198 && (second == 18 || second == 19)) {
            return Optional.of("a benchmarking address");
        }
        return Optional.empty();
    }

    /** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64 64:ff9b::/96 and /48, 6to4). */
    private static Optional<byte[]> embeddedV4(byte[] b) {
        boolean zeros80 = allZero(b, 0, 10);
        if (zeros80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return Optional.of(Arrays.copyOfRange(b, 12, 16));
        }
        if (zeros80 && b[10] == 0 && b[11] == 0 && !allZero(b, 12, 14)) {
            return Optional.of(Arrays.copyOfRange(b, 12, 16));
        }
        if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            return Optional.of(Arrays.copyOfRange(b, 12, 16));
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return Optional.of(Arrays.copyOfRange(b, 2, 6));
        }
        return Optional.empty();
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] v6(String literal) {
        try {
            return Inet6Address.getByName("[" + literal + "]").getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
