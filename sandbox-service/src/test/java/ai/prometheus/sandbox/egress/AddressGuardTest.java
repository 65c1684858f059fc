package ai.prometheus.sandbox.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressGuardTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "127.0.0.1, loopback",
        "127.255.0.9, loopback",
        "::1, loopback",
        "0.0.0.0, unspecified",
        "::, unspecified",
        "10.1.2.3, private",
        "172.16.0.1, private",
        "172.31.255.255, private",
        "192.168.1.1, private",
        "100.64.0.1, carrier-grade NAT",
        "169.254.169.254, metadata",
        "fd00:ec2::254, metadata",
        "169.254.1.1, link-local",
        "fe80::1, link-local",
        "fc00::1, unique local",
        "fd12:3456::1, unique local",
        "224.0.0.1, multicast",
        "ff02::1, multicast",
        "255.255.255.255, broadcast",
        "::ffff:127.0.0.1, loopback",
        "::ffff:169.254.169.254, metadata",
        "64:ff9b::7f00:1, loopback",
        "64:ff9b::a9fe:a9fe, metadata",
        "64:ff9b::a00:1, private",
        "::127.0.0.1, loopback",
        "2002:7f00:1::, loopback",
        "2002:a00:1::, private",
        "8.8.8.8, public",
        "1.1.1.1, public",
        "172.32.0.1, public",
        "2606:4700:4700::1111, public",
        "64:ff9b::808:808, public",
        "::ffff:8.8.8.8, public",
    })
    void judgesResolvedAddresses(String literal, String expected) throws UnknownHostException {
        InetAddress address = InetAddress.getByName(literal.contains(":") ? "[" + literal + "]" : literal);
        String verdict = AddressGuard.nonPublic(address).orElse("public");
        assertEquals(true, verdict.contains(expected), literal + " -> " + verdict);
    }
}
