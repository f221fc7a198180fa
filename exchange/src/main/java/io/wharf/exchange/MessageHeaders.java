package io.wharf.exchange;

/**
 * What a headers exchange matches on: a message's application properties, looked up by name. Implementations
 * decode lazily; only a headers exchange asks.
 */
@FunctionalInterface
public interface MessageHeaders {

    /** No headers at all. */
    MessageHeaders NONE = name -> null;

    /** The value of header {@code name}, null when absent. */
    Object get(String name);

    /** Whether the header is present (possibly with a null value). */
    default boolean contains(String name) {
        return get(name) != null;
    }
}
