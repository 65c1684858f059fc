package ai.prometheus.guardian.group;

/**
 * @param version the grouping algorithm that computed it
 * @param hash hex SHA-256 of the basis
 * @param basis the readable inputs that were hashed, shown on the group so an operator can see
 *     why two errors were grouped together
 */
public record Fingerprint(int version, String hash, String basis) {}
