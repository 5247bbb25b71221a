package dev.kade.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where settings come from before they are parsed: a properties file and {@code KADE_*} environment variables. */
final class ConfigSources {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigSources.class);

    private ConfigSources() {
    }

    /**
     * The settings named by {@code KADE_*} environment variables: {@code KADE_A_B_C} is key {@code a.b.c}.
     * Kubernetes service-link variables ({@link ServiceLinks}) are skipped, with one INFO line naming them,
     * and so are the logging variables ({@link LoggingVariables}), read before any setting.
     */
    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        Set<String> links = new TreeSet<>();
        env.forEach((name, value) -> {
            if (!name.startsWith(KadeConfig.ENV_PREFIX) || name.length() == KadeConfig.ENV_PREFIX.length()) {
                return;
            }
            if (ServiceLinks.isServiceLink(name, value)) {
                links.add(name);
                return;
            }
            if (LoggingVariables.ALL.contains(name)) {
                return;
            }
            String key = name.substring(KadeConfig.ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            if (!KadeConfig.KEYS.contains(key) && !key.startsWith(KadeConfig.KAFKA_PREFIX)) {
                throw new ConfigException(key, "unknown setting from environment variable " + name
                        + "; " + KadeConfig.unknownKeyHint(key));
            }
            out.put(key, value);
        });
        if (!links.isEmpty()) {
            LOG.info("ignoring Kubernetes service-link variables {} (set enableServiceLinks: false on the pod to "
                    + "avoid them)", links);
        }
        return out;
    }

    /**
     * Why a file could not be read, in words: NIO's exceptions carry only the path as their message
     * ("cannot read x.properties: x.properties" said nothing).
     */
    static String ioReason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.charset.CharacterCodingException) {
            return "not UTF-8 text";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(Locale.ROOT);
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** The settings in a properties file, keys and values trimmed. */
    static Map<String, String> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("--config", "cannot read " + file + ": " + ioReason(e));
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k.trim(), p.getProperty(k).trim()));
        return out;
    }
}
