package ai.prometheus.shared.testing;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

/**
 * Mints RS256 tokens with the test-only key that every service trusts in its test profile.
 * Each method documents the kind of caller it stands for.
 */
public final class TestTokens {

    public static final String ISSUER = "prometheus-test";
    private static final PrivateKey KEY = loadKey();

    private TestTokens() {}

    /** A token with exactly these space-separated scopes. */
    public static String withScope(String subject, String scope) {
        return builder(subject).claim("scope", scope).sign(KEY);
    }

    /** A token whose roles grant permissions through the role mapping. */
    public static String withGroups(String subject, String... groups) {
        return builder(subject).groups(Set.of(groups)).sign(KEY);
    }

    /** An agent token (principal_type agent) with these scopes. */
    public static String agent(String subject, String scope) {
        return builder(subject)
                .claim("scope", scope)
                .claim("principal_type", "agent")
                .sign(KEY);
    }

    /** An administrator: the {@code admin} role grants everything. */
    public static String admin() {
        return withGroups("test-admin", "admin");
    }

    /** A valid signature, but expired an hour ago. */
    public static String expired(String subject, String scope) {
        long now = System.currentTimeMillis() / 1000;
        return Jwt.issuer(ISSUER)
                .subject(subject)
                .claim("scope", scope)
                .issuedAt(now - 7200)
                .expiresAt(now - 3600)
                .sign(KEY);
    }

    /** A well-formed token signed by a key nobody trusts. */
    public static String signedByStranger(String subject, String scope) {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return builder(subject)
                    .claim("scope", scope)
                    .sign(generator.generateKeyPair().getPrivate());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JwtClaimsBuilder builder(String subject) {
        return Jwt.issuer(ISSUER).subject(subject).upn(subject).expiresIn(Duration.ofMinutes(30));
    }

    public static PrivateKey key() {
        return KEY;
    }

    private static PrivateKey loadKey() {
        try (InputStream in = TestTokens.class.getClassLoader().getResourceAsStream("test-keys/private.pem")) {
            if (in == null) {
                throw new IllegalStateException("test-keys/private.pem is missing from the test classpath");
            }
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .replaceAll("-----[A-Z ]+-----", "")
                    .replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the test signing key", e);
        }
    }
}
