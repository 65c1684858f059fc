package ai.prometheus.shared.platform.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** The cache in front of the real SmallRye verifier, with real RS256 keys; its own clock is driven by the test. */
class VerifiedTokenCacheTest {

    private static final String ISSUER = "prometheus-test";
    private static final Duration MAX_AGE = Duration.ofSeconds(60);

    private final KeyPair key = rsa();
    private final KeyPair otherKey = rsa();
    private final JWTAuthContextInfo context = context(key);
    private final AtomicInteger verifications = new AtomicInteger();
    /** Caffeine's clock, moved by the tests; frozen unless a test moves it. */
    private final AtomicLong ticker = new AtomicLong();

    private final VerifiedTokenCache cache = new VerifiedTokenCache(
            counting(new DefaultJWTParser(context)), 100, MAX_AGE, ticker::get, Clock.systemUTC());

    @Test
    void aTokenIsVerifiedOnceAndThenServedFromMemory() throws ParseException {
        String token = token(key, 3600);
        JsonWebToken first = cache.parse(token);
        JsonWebToken second = cache.parse(token);
        assertSame(first, second);
        assertEquals(1, verifications.get());
        assertEquals("alice", second.getSubject());
    }

    @Test
    void anExpiredTokenIsVerifiedAgainAndRefused() throws Exception {
        // Caffeine's clock stands still: only the cache's own check of exp can stop the hit.
        String token = token(key, 1);
        cache.parse(token);
        waitPast(expOf(token));
        assertThrows(ParseException.class, () -> cache.parse(token));
        assertEquals(2, verifications.get(), "verified again, not served from the cache");
    }

    @Test
    void aReplacedKeyStopsBeingHonouredWithinTheMaximumAge() throws ParseException {
        String token = token(key, 3600);
        cache.parse(token);
        context.setPublicVerificationKey(otherKey.getPublic());
        ticker.addAndGet(MAX_AGE.plusSeconds(1).toNanos());
        assertThrows(ParseException.class, () -> cache.parse(token));
    }

    @Test
    void aRefusedTokenIsNeverCached() {
        String forged = token(otherKey, 3600);
        assertThrows(ParseException.class, () -> cache.parse(forged));
        assertThrows(ParseException.class, () -> cache.parse(forged));
        assertEquals(2, verifications.get());
    }

    @Test
    void sizeZeroVerifiesEveryTime() throws ParseException {
        VerifiedTokenCache off = new VerifiedTokenCache(
                counting(new DefaultJWTParser(context)), 0, MAX_AGE, ticker::get, Clock.systemUTC());
        String token = token(key, 3600);
        off.parse(token);
        off.parse(token);
        assertEquals(2, verifications.get());
    }

    private static String token(KeyPair signer, long lifetimeSeconds) {
        long now = Instant.now().getEpochSecond();
        return Jwt.issuer(ISSUER)
                .subject("alice")
                .issuedAt(now)
                .expiresAt(now + lifetimeSeconds)
                .sign(signer.getPrivate());
    }

    private long expOf(String token) throws ParseException {
        return new DefaultJWTParser(context).parseOnly(token).getExpirationTime();
    }

    private static void waitPast(long epochSecond) throws InterruptedException {
        while (Instant.now().getEpochSecond() <= epochSecond) {
            Thread.sleep(50);
        }
    }

    private static JWTAuthContextInfo context(KeyPair key) {
        JWTAuthContextInfo context = new JWTAuthContextInfo(key.getPublic(), ISSUER);
        // No grace after exp: the refusal of an expired token needs no long wait.
        context.setClockSkew(0);
        context.setExpGracePeriodSecs(0);
        return context;
    }

    /** The verifier, counting the verifications the cache asks of it. */
    private JWTParser counting(JWTParser verifier) {
        return (JWTParser) Proxy.newProxyInstance(
                JWTParser.class.getClassLoader(), new Class<?>[] {JWTParser.class}, (proxy, method, args) -> {
                    if (method.getName().equals("parse")) {
                        verifications.incrementAndGet();
                    }
                    try {
                        return method.invoke(verifier, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
