package dev.kade.config;

/** A setting that is missing, unknown or invalid; the message names the key (and the value when there is one). */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The setting at fault, as written in the properties file (e.g. {@code metrics.port}). */
    public String key() {
        return key;
    }
}
