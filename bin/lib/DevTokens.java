import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The local development key pair and token minting, using only the JDK.
 *
 *   java DevTokens.java keygen DIR
 *   java DevTokens.java token DIR ISSUER --sub NAME [--scope "a:b c:d"] [--groups g1,g2] [--ttl 1h] [--type user|agent|service]
 *
 * Tokens are RS256 JWTs with the claims the services read: iss, sub, upn, iat, exp, jti, scope
 * (space-separated, RFC 9068), groups and principal_type.
 */
public class DevTokens {

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("keygen")) {
            keygen(Path.of(args[1]));
        } else if (args.length >= 3 && args[0].equals("token")) {
            System.out.println(token(Path.of(args[1]), args[2], List.of(args).subList(3, args.length)));
        } else {
            System.err.println("usage: DevTokens keygen DIR | token DIR ISSUER --sub NAME [--scope S] [--groups G] [--ttl T] [--type K]");
            System.exit(2);
        }
    }

    static void keygen(Path dir) throws Exception {
        Path privateKey = dir.resolve("private.pem");
        if (Files.exists(privateKey)) {
            return;
        }
        Files.createDirectories(dir);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Files.writeString(dir.resolve("public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        try {
            Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system; nothing more to do
        }
    }

    static String token(Path dir, String issuer, List<String> options) throws Exception {
        String sub = null;
        String scope = null;
        String groups = null;
        String type = null;
        Duration ttl = Duration.ofHours(1);
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            if (i + 1 >= options.size()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = options.get(++i);
            switch (option) {
                case "--sub" -> sub = value;
                case "--scope" -> scope = value;
                case "--groups" -> groups = value;
                case "--ttl" -> ttl = duration(value);
                case "--type" -> type = value;
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (sub == null || sub.isBlank()) {
            throw new IllegalArgumentException("--sub is required");
        }
        Instant now = Instant.now();
        StringBuilder claims = new StringBuilder("{");
        claims.append("\"iss\":").append(json(issuer));
        claims.append(",\"sub\":").append(json(sub));
        claims.append(",\"upn\":").append(json(sub));
        claims.append(",\"iat\":").append(now.getEpochSecond());
        claims.append(",\"exp\":").append(now.plus(ttl).getEpochSecond());
        claims.append(",\"jti\":").append(json(UUID.randomUUID().toString()));
        if (scope != null && !scope.isBlank()) {
            claims.append(",\"scope\":").append(json(scope.trim()));
        }
        if (groups != null && !groups.isBlank()) {
            List<String> items = new ArrayList<>();
            for (String group : groups.split("[,\\s]+")) {
                if (!group.isBlank()) {
                    items.add(json(group));
                }
            }
            claims.append(",\"groups\":[").append(String.join(",", items)).append("]");
        }
        if (type != null) {
            claims.append(",\"principal_type\":").append(json(type));
        }
        claims.append("}");
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"prometheus-dev\"}";
        String signingInput = base64Url(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64Url(claims.toString().getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(privateKey(dir.resolve("private.pem")));
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + base64Url(signature.sign());
    }

    static Duration duration(String value) {
        String v = value.trim().toLowerCase();
        long amount = Long.parseLong(v.replaceAll("[smhd]$", ""));
        return switch (v.charAt(v.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    static PrivateKey privateKey(Path file) throws IOException, java.security.GeneralSecurityException {
        String pem = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
