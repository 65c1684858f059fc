package ai.prometheus.guardian;

import java.util.UUID;

/** Names that differ on every run, made of letters only so message normalization keeps them apart. */
public final class Names {

    private Names() {}

    public static String unique(String prefix) {
        StringBuilder name = new StringBuilder(prefix);
        for (char c :
                UUID.randomUUID().toString().replace("-", "").substring(0, 12).toCharArray()) {
            name.append(Character.isDigit(c) ? (char) ('g' + (c - '0')) : c);
        }
        return name.toString();
    }
}
