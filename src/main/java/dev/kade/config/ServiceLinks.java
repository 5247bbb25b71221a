package dev.kade.config;

import java.util.regex.Pattern;

/**
 * Recognises the environment variables Kubernetes injects for every Service in the namespace
 * ("service links"): for a Service named {@code kade-metrics} it sets {@code KADE_METRICS_SERVICE_HOST},
 * {@code KADE_METRICS_SERVICE_PORT}, {@code KADE_METRICS_PORT=tcp://10.0.0.7:9404},
 * {@code KADE_METRICS_PORT_9404_TCP=tcp://...} and its {@code _PROTO}, {@code _PORT} and {@code _ADDR}
 * companions. They share kade's {@code KADE_} prefix by accident, so kade ignores them, but only when
 * both the name and the value have the shape Kubernetes gives them: a real typo such as
 * {@code KADE_MODEL_PATHH=/m.onnx} is still refused, and {@code KADE_METRICS_PORT=9404} is still a setting.
 */
final class ServiceLinks {
    private static final String HOST = "(?:\\d{1,3}(?:\\.\\d{1,3}){3}|\\[?[0-9a-fA-F:]+\\]?)";
    private static final String PORT = "\\d{1,5}";
    private static final Pattern LINK_VALUE = Pattern.compile("(?:tcp|udp|sctp)://" + HOST + ":" + PORT);
    private static final Pattern HOST_VALUE = Pattern.compile(HOST);
    private static final Pattern PORT_VALUE = Pattern.compile(PORT);
    private static final Pattern PROTO_VALUE = Pattern.compile("tcp|udp|sctp");

    private static final Pattern SERVICE_HOST = Pattern.compile("[A-Z0-9_]*_SERVICE_HOST");
    private static final Pattern SERVICE_PORT = Pattern.compile("[A-Z0-9_]*_SERVICE_PORT(?:_[A-Z0-9_]+)?");
    private static final Pattern PORT_LINK = Pattern.compile("[A-Z0-9_]*_PORT(?:_\\d{1,5}_(?:TCP|UDP|SCTP))?");
    private static final Pattern PORT_PROTO = Pattern.compile("[A-Z0-9_]*_PORT_\\d{1,5}_(?:TCP|UDP|SCTP)_PROTO");
    private static final Pattern PORT_PORT = Pattern.compile("[A-Z0-9_]*_PORT_\\d{1,5}_(?:TCP|UDP|SCTP)_PORT");
    private static final Pattern PORT_ADDR = Pattern.compile("[A-Z0-9_]*_PORT_\\d{1,5}_(?:TCP|UDP|SCTP)_ADDR");

    private ServiceLinks() {
    }

    /** True when {@code name=value} is, by name and value, a Kubernetes service-link variable. */
    static boolean isServiceLink(String name, String value) {
        String v = value == null ? "" : value.trim();
        return SERVICE_HOST.matcher(name).matches() && HOST_VALUE.matcher(v).matches()
                || SERVICE_PORT.matcher(name).matches() && PORT_VALUE.matcher(v).matches()
                || PORT_LINK.matcher(name).matches() && LINK_VALUE.matcher(v).matches()
                || PORT_PROTO.matcher(name).matches() && PROTO_VALUE.matcher(v).matches()
                || PORT_PORT.matcher(name).matches() && PORT_VALUE.matcher(v).matches()
                || PORT_ADDR.matcher(name).matches() && HOST_VALUE.matcher(v).matches();
    }
}
