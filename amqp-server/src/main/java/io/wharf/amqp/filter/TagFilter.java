package io.wharf.amqp.filter;

import io.wharf.amqp.message.MessageView;
import io.wharf.store.queue.TagHash;
import java.util.List;
import java.util.Set;
import org.apache.qpid.proton.amqp.Symbol;

/**
 * The tag filter ({@code rabbitmq:stream-filter}, with {@code rabbitmq:stream-match-unfiltered}): a message
 * published with the annotation {@value #ANNOTATION} matches when its value is one of the wanted ones; an untagged
 * message matches only with match-unfiltered. Exact: the stored tag hash only pre-screens, the tag itself is
 * compared here.
 */
public final class TagFilter implements MessagePredicate {

    /** The message annotation carrying a message's tag. */
    public static final String ANNOTATION = "x-stream-filter-value";

    private final Set<String> values;
    private final boolean matchUnfiltered;

    private TagFilter(Set<String> values, boolean matchUnfiltered) {
        this.values = values;
        this.matchUnfiltered = matchUnfiltered;
    }

    /**
     * @param value a string or symbol, or a list of them
     * @throws IllegalArgumentException for anything else, or an empty list
     */
    static TagFilter of(Object value, boolean matchUnfiltered) {
        Set<String> values;
        if (value instanceof String || value instanceof Symbol) {
            values = Set.of(value.toString());
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
            for (Object item : list) {
                if (!(item instanceof String || item instanceof Symbol)) {
                    throw new IllegalArgumentException("rabbitmq:stream-filter values are strings, not "
                            + PropertiesFilter.describe(item));
                }
                all.add(item.toString());
            }
            values = Set.copyOf(all);
        } else {
            throw new IllegalArgumentException("rabbitmq:stream-filter takes a string or a list of strings, not "
                    + PropertiesFilter.describe(value));
        }
        return new TagFilter(values, matchUnfiltered);
    }

    /** The tag of a message as published, or null when it has none (or a non-text one). */
    public static String tagOf(MessageView message) {
        Object tag = message.messageAnnotation(ANNOTATION);
        return tag instanceof String || tag instanceof Symbol ? tag.toString() : null;
    }

    @Override
    public boolean test(MessageView message) {
        String tag = tagOf(message);
        return tag == null ? matchUnfiltered : values.contains(tag);
    }

    int[] tagHashes() {
        int[] hashes = new int[values.size() + (matchUnfiltered ? 1 : 0)];
        int i = 0;
        for (String v : values) {
            hashes[i++] = TagHash.of(v);
        }
        if (matchUnfiltered) {
            hashes[i] = TagHash.NONE;
        }
        return hashes;
    }
}
