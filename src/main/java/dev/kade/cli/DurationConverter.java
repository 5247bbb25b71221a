package dev.kade.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Reads a duration as {@code 90s}, {@code 2m}, {@code 500ms}, {@code 1h} or ISO-8601 ({@code PT30S}). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.matches("\\d+")) {
                return Duration.ofSeconds(Long.parseLong(v));
            }
            if (v.startsWith("p")) {
                return nonNegative(Duration.parse(value.trim().toUpperCase(Locale.ROOT)), value);
            }
            if (v.endsWith("ms")) {
                return nonNegative(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))), value);
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return nonNegative(switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new IllegalArgumentException("unknown unit in " + value);
            }, value);
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (examples: 30s, 2m, 500ms, PT1M)");
        }
    }

    private static Duration nonNegative(Duration d, String value) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative: " + value);
        }
        return d;
    }
}
