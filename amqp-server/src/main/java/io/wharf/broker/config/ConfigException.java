package io.wharf.broker.config;

import java.util.List;

/**
 * The configuration could not be read or is invalid. Carries every problem found, not just the first, so an
 * operator fixes the file in one pass; the message lists them one per line, each naming the key and the value.
 */
public final class ConfigException extends RuntimeException {

    private final List<String> errors;

    /**
     * @param source where the configuration came from (a file name), or null for text given directly
     * @param errors one line each, e.g. {@code amqp.port: 70000 is not a port number (0..65535)}; not empty
     */
    public ConfigException(String source, List<String> errors) {
        super(message(source, errors));
        this.errors = List.copyOf(errors);
    }

    /** The problems, one per entry, in the order they were found. */
    public List<String> errors() {
        return errors;
    }

    private static String message(String source, List<String> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        StringBuilder text = new StringBuilder("invalid configuration");
        if (source != null) {
            text.append(" in ").append(source);
        }
        text.append(':');
        for (String error : errors) {
            text.append("\n  ").append(error);
        }
        return text.toString();
    }
}
