package io.wharf.amqp.fuzz;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a fuzz run did.
 *
 * @param inputs      hostile inputs tried
 * @param bytes       bytes sent in all
 * @param outcomes    how inputs ended, by kind (e.g. {@code closed}, {@code TransportException}), counted
 * @param failures    inputs that broke a rule (an unexpected exception type, an Error), with the first few
 *                    descriptions; empty for a clean run
 * @param elapsedMs   how long it ran
 */
public record FuzzReport(long inputs, long bytes, Map<String, Long> outcomes, Map<String, String> failures,
        long elapsedMs) {

    public FuzzReport {
        outcomes = new TreeMap<>(outcomes);
        failures = new TreeMap<>(failures);
    }

    @Override
    public String toString() {
        return inputs + " inputs (" + bytes + " bytes) in " + elapsedMs + " ms; outcomes " + outcomes
                + (failures.isEmpty() ? "; no failures" : "; FAILURES " + failures);
    }
}
