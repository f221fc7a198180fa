package io.wharf.plugin.tracing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The tracing plugin's settings ({@code plugins.settings.tracing} in wharf.yaml), checked once at start; every error
 * names the key and the bad value.
 *
 * <pre>
 * exchange: amq.wharf.trace     # the topic exchange trace copies go to (declared in each traced vhost)
 * vhosts: ["/"]                 # the vhosts to trace
 * events: [publish, deliver]    # which events to copy
 * exchanges: ["*"]              # publish events: exchange name patterns (* any run, ? one character);
 *                               # the default exchange is "amq.default", as in RabbitMQ
 * queues: ["*"]                 # deliver events: queue name patterns
 * match-headers: {}             # only messages whose application properties have all these values
 * </pre>
 *
 * @param matchHeaders application property name -> value, compared as text; empty: every message
 */
record TraceSettings(String exchange, List<String> vhosts, boolean publish, boolean deliver,
        List<Pattern> exchanges, List<Pattern> queues, Map<String, String> matchHeaders) {

    static final String DEFAULT_EXCHANGE = "amq.wharf.trace";

    static TraceSettings from(Map<String, Object> settings) {
        String exchange = text(settings, "exchange", DEFAULT_EXCHANGE);
        List<String> vhosts = texts(settings, "vhosts", List.of("/"));
        List<String> events = texts(settings, "events", List.of("publish", "deliver"));
        for (String event : events) {
            if (!event.equals("publish") && !event.equals("deliver")) {
                throw new IllegalArgumentException("plugins.settings.tracing.events: '" + event
                        + "' is not an event; the events are publish and deliver");
            }
        }
        List<Pattern> exchanges = texts(settings, "exchanges", List.of("*")).stream().map(TraceSettings::glob)
                .toList();
        List<Pattern> queues = texts(settings, "queues", List.of("*")).stream().map(TraceSettings::glob).toList();
        Map<String, String> headers = new LinkedHashMap<>();
        Object match = settings.get("match-headers");
        if (match instanceof Map<?, ?> map) {
            map.forEach((k, v) -> headers.put(String.valueOf(k), String.valueOf(v)));
        } else if (match != null) {
            throw new IllegalArgumentException("plugins.settings.tracing.match-headers must be a map of application "
                    + "property name to value, not '" + match + "'");
        }
        return new TraceSettings(exchange, vhosts, events.contains("publish"), events.contains("deliver"),
                exchanges, queues, Map.copyOf(headers));
    }

    private static String text(Map<String, Object> settings, String key, String otherwise) {
        Object value = settings.get(key);
        if (value == null) {
            return otherwise;
        }
        if (!(value instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException("plugins.settings.tracing." + key + " must be a non-empty name, not '"
                    + value + "'");
        }
        return s;
    }

    private static List<String> texts(Map<String, Object> settings, String key, List<String> otherwise) {
        Object value = settings.get(key);
        if (value == null) {
            return otherwise;
        }
        List<String> list = new ArrayList<>();
        if (value instanceof List<?> items) {
            items.forEach(item -> list.add(String.valueOf(item)));
        } else {
            list.add(String.valueOf(value));
        }
        return List.copyOf(list);
    }

    /** {@code *} any run of characters, {@code ?} one; everything else literal. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    static boolean any(List<Pattern> patterns, String name) {
        for (Pattern p : patterns) {
            if (p.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }
}
