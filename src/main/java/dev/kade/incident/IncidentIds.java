package dev.kade.incident;

import dev.kade.output.Source;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable incident ids: the first 128 bits of SHA-256 over entity, model version and the first anomalous record's
 * topic, partition and offset, in hex. A replay of the same records (after a crash, a rebalance, a {@code kill -9})
 * opens the incident on the same record and so gives it the same id, which is what lets Alertmanager- and
 * PagerDuty-style consumers de-duplicate on it.
 */
public final class IncidentIds {
    private IncidentIds() {
    }

    public static String of(String entity, String modelVersion, Source first) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        // NUL-separated, so that no two different tuples hash the same text
        String text = entity + '\0' + modelVersion + '\0' + first.topic() + '\0' + first.partition() + '\0' + first.offset();
        byte[] digest = sha.digest(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    /** Whether {@code id} has the form {@link #of} gives: 32 lower-case hex digits. */
    public static boolean wellFormed(String id) {
        if (id.length() != 32) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
