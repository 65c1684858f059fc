package ai.prometheus.shared.platform.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies each distinct bearer token once and serves the verified token from memory for the
 * requests that follow. SmallRye JWT (and Quarkus' {@code MpJwtValidator}, which calls this
 * parser for every request) keeps no such cache: an RS256 check cost about 15 % of the CPU of a
 * cached discovery request, and every service-to-service call repeats the same token.
 *
 * <p>Keyed by the raw token, so a hit is exactly the string that verified. An entry lives until
 * the token's {@code exp} (no clock-skew grace: after {@code exp} the token is verified again,
 * and the skew the verifier allows then applies) and at most {@code max-age}, so a verification
 * key that is replaced or withdrawn stops being honoured within that time (the JWKS a production
 * deployment points at is itself refreshed far less often). Failures are never cached. Bounded
 * in entries; {@code size=0} turns the cache off.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokenCache implements JWTParser {

    private final JWTParser verifier;
    private final Clock clock;
    private final Cache<String, JsonWebToken> verified;

    @Inject
    public VerifiedTokenCache(
            DefaultJWTParser verifier,
            @ConfigProperty(name = "prometheus.security.token-cache.size", defaultValue = "10000") int size,
            @ConfigProperty(name = "prometheus.security.token-cache.max-age", defaultValue = "60s") Duration maxAge) {
        this(verifier, size, maxAge, Ticker.systemTicker(), Clock.systemUTC());
    }

    VerifiedTokenCache(JWTParser verifier, int size, Duration maxAge, Ticker ticker, Clock clock) {
        this.verifier = verifier;
        this.clock = clock;
        long maxAgeNanos = maxAge.toNanos();
        this.verified = size <= 0
                ? null
                : Caffeine.newBuilder()
                        .maximumSize(size)
                        .ticker(ticker)
                        .expireAfter(new Expiry<String, JsonWebToken>() {
                            @Override
                            public long expireAfterCreate(String token, JsonWebToken jwt, long currentTime) {
                                return Math.max(0, Math.min(maxAgeNanos, TimeUnit.SECONDS.toNanos(secondsLeft(jwt))));
                            }

                            @Override
                            public long expireAfterUpdate(
                                    String token, JsonWebToken jwt, long currentTime, long currentDuration) {
                                return expireAfterCreate(token, jwt, currentTime);
                            }

                            @Override
                            public long expireAfterRead(
                                    String token, JsonWebToken jwt, long currentTime, long currentDuration) {
                                return currentDuration;
                            }
                        })
                        .build();
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        if (verified == null) {
            return verifier.parse(token);
        }
        JsonWebToken hit = verified.getIfPresent(token);
        // The entry's expiry is the token's exp already; checked again because an entry may
        // outlive its expiry until the cache's next maintenance.
        if (hit != null && secondsLeft(hit) > 0) {
            return hit;
        }
        JsonWebToken jwt = verifier.parse(token);
        if (secondsLeft(jwt) > 0) {
            verified.put(token, jwt);
        }
        return jwt;
    }

    /** Seconds until the token expires; 0 when it has no expiry (never cached then). */
    private long secondsLeft(JsonWebToken jwt) {
        long exp = jwt.getExpirationTime();
        return exp <= 0 ? 0 : exp - clock.instant().getEpochSecond();
    }

    // Every other use (another key, another context, decryption) goes to the verifier as it is.

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
