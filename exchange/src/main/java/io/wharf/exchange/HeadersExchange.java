package io.wharf.exchange;

import io.wharf.store.meta.ExchangeDefinition;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Routes by the message's headers (application properties) against each binding's arguments, as RabbitMQ's headers
 * exchange: {@code x-match} is {@code all} (default: every argument present with an equal value), {@code any} (at
 * least one), or {@code all-with-x} / {@code any-with-x} (the same, counting arguments that start with {@code x-}
 * too; plain {@code all} / {@code any} ignore them). An argument without a value matches on presence alone. Numbers
 * compare by value (an integer 3 equals a long 3); routing keys are ignored.
 */
public final class HeadersExchange extends Exchange {

    /** The binding argument choosing how the others are matched. */
    public static final String X_MATCH = "x-match";

    enum Mode {
        ALL("all", true, false), ANY("any", false, false), ALL_WITH_X("all-with-x", true, true),
        ANY_WITH_X("any-with-x", false, true);

        final String label;
        final boolean all;
        final boolean withX;

        Mode(String label, boolean all, boolean withX) {
            this.label = label;
            this.all = all;
            this.withX = withX;
        }
    }

    /** One binding's arguments, ready to test: names and values (null value = presence only). */
    private record Rule(Binding binding, Mode mode, String[] names, Object[] values) {

        boolean matches(MessageHeaders headers) {
            if (names.length == 0) {
                return mode.all;
            }
            for (int i = 0; i < names.length; i++) {
                Object actual = headers.get(names[i]);
                boolean hit = actual != null && (values[i] == null || sameValue(values[i], actual));
                if (hit && !mode.all) {
                    return true;
                }
                if (!hit && mode.all) {
                    return false;
                }
            }
            return mode.all;
        }
    }

    /** Replaced on change, never changed in place. */
    private volatile Rule[] rules = new Rule[0];

    HeadersExchange(ExchangeDefinition definition) {
        super(definition, ExchangeType.HEADERS);
    }

    /**
     * Checks a binding's arguments before it is made.
     *
     * @throws TopologyException bad request for an {@code x-match} that is not one of the four modes
     */
    static Mode mode(Map<String, Object> arguments) {
        Object match = arguments.get(X_MATCH);
        if (match == null) {
            return Mode.ALL;
        }
        for (Mode mode : Mode.values()) {
            if (mode.label.equals(match)) {
                return mode;
            }
        }
        throw TopologyException.badRequest("binding argument x-match must be one of all, any, all-with-x, "
                + "any-with-x; it was '" + match + "'");
    }

    @Override
    void index(Binding binding) {
        Map<String, Object> arguments = binding.definition().arguments();
        Mode mode = mode(arguments);
        List<String> names = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (Map.Entry<String, Object> e : arguments.entrySet()) {
            String name = e.getKey();
            if (name.equals(X_MATCH) || (name.startsWith("x-") && !mode.withX)) {
                continue;
            }
            names.add(name);
            values.add(e.getValue());
        }
        Rule rule = new Rule(binding, mode, names.toArray(String[]::new), values.toArray());
        Rule[] current = rules;
        Rule[] more = Arrays.copyOf(current, current.length + 1);
        more[current.length] = rule;
        rules = more;
    }

    @Override
    void unindex(Binding binding) {
        rules = Arrays.stream(rules).filter(r -> !r.binding().equals(binding)).toArray(Rule[]::new);
    }

    @Override
    public void match(String routingKey, MessageHeaders headers, Consumer<Binding> sink) {
        for (Rule rule : rules) {
            if (rule.matches(headers)) {
                sink.accept(rule.binding());
            }
        }
    }

    static boolean sameValue(Object bound, Object actual) {
        if (bound instanceof Number a && actual instanceof Number b) {
            if (integral(a) && integral(b)) {
                return a.longValue() == b.longValue();
            }
            return a.doubleValue() == b.doubleValue();
        }
        if (bound instanceof String s && actual instanceof CharSequence c) {
            return s.contentEquals(c);
        }
        return bound.equals(actual);
    }

    private static boolean integral(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
                || n instanceof BigInteger;
    }
}
