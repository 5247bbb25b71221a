package dev.kade.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * What kade carries from an input record onto its alert and score ({@code output.headers.*},
 * {@code output.fields.*}): input headers such as W3C {@code traceparent}, so a trace continues through
 * kade, and chosen JSON fields, so an on-call person sees the host or request id without a join. A part of
 * {@link KadeConfig#DEFINITION} kept apart like {@link SeriesKeys}; each key is defined once, here.
 */
public final class OutputKeys {
    public static final String HEADERS_COPY = "output.headers.copy";
    public static final String HEADERS_MAX_BYTES = "output.headers.max.bytes";
    public static final String FIELDS_COPY = "output.fields.copy";
    public static final String FIELDS_MAX_CHARS = "output.fields.max.chars";
    /** The value that copies no header ({@code output.headers.copy}: an empty value means "the default"). */
    public static final String NONE = "none";
    /** At most this many names in either list: each costs a lookup per record. */
    public static final int MAX_NAMES = 64;

    private OutputKeys() {
    }

    /** Adds the carried-context settings to {@code def} (in documentation order) and returns it. */
    static ConfigDef define(ConfigDef def) {
        return def
                .define(HEADERS_COPY, Type.LIST, "traceparent,tracestate", names(true), MEDIUM,
                        "Input record headers copied, by name, onto the record's alert and score (Kafka headers), so a "
                                + "W3C trace continues; none: no header. Dead letters keep every input header anyway. Names "
                                + "starting with kade. or __streams.errors. are refused.")
                .define(HEADERS_MAX_BYTES, Type.INT, 512, Range.between(1, 65_536), LOW,
                        "Longest header value copied; a longer one is dropped and counted in "
                                + "kade_output_context_cuts_total{cut=\"header_dropped\"} (W3C tracestate is at most 512).")
                .define(FIELDS_COPY, Type.LIST, "", names(false), MEDIUM,
                        "JSON fields of the input record (top-level names or dotted paths, as features are named) copied "
                                + "into the alert's and score's \"context\" object, e.g. host,request_id; empty: none.")
                .define(FIELDS_MAX_CHARS, Type.INT, 256, Range.between(1, 65_536), LOW,
                        "Longest copied field value, in characters; a longer one is cut to this and counted in "
                                + "kade_output_context_cuts_total{cut=\"field_truncated\"}.");
    }

    /** The names a list setting copies: {@code none} alone means none. */
    public static List<String> copied(List<String> names) {
        return names.size() == 1 && names.get(0).equalsIgnoreCase(NONE) ? List.of() : names;
    }

    /** A list of distinct non-blank names, at most {@link #MAX_NAMES}; header names not kade's own. */
    private static ConfigDef.Validator names(boolean headers) {
        return ConfigDef.LambdaValidator.with((key, value) -> {
            @SuppressWarnings("unchecked")
            List<String> list = value == null ? List.of() : (List<String>) value;
            if (list.size() > MAX_NAMES) {
                throw new ConfigException(key, "names " + list.size() + " entries, at most " + MAX_NAMES);
            }
            Set<String> seen = new HashSet<>();
            for (String raw : list) {
                String name = raw.trim();
                if (name.isEmpty()) {
                    throw new ConfigException(key, "has an empty name in '" + String.join(",", list) + "'");
                }
                if (name.equalsIgnoreCase(NONE) && list.size() > 1) {
                    throw new ConfigException(key, "names none beside other names");
                }
                if (!seen.add(name)) {
                    throw new ConfigException(key, "names '" + name + "' twice");
                }
                if (headers && (name.startsWith("kade.") || name.startsWith("__streams.errors."))) {
                    throw new ConfigException(key, "may not copy '" + name + "': kade. and __streams.errors. headers are kade's own");
                }
            }
        }, () -> headers ? "none, or comma-separated header names, not kade.* or __streams.errors.*"
                : "none, or comma-separated field names");
    }
}
