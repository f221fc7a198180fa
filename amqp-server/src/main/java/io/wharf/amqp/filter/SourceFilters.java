package io.wharf.amqp.filter;

import io.wharf.amqp.message.MessageView;
import io.wharf.store.queue.ConsumerFilter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filters of a consumer's source ({@code source.filter} on attach) that Wharf applies, as one
 * {@link ConsumerFilter}: a message must pass all of them. Each entry is recognised by its descriptor (symbol or
 * numeric code) or, for a bare value, by its key: see WIRE.md (Filters). An entry that is unknown, malformed, or
 * an expression that does not parse is not applied and is left out of {@link #appliedKeys()}, so the attach
 * reply does not echo it and the client decides what to do; the attach itself goes on.
 */
public final class SourceFilters implements ConsumerFilter {

    private static final Logger LOG = LoggerFactory.getLogger(SourceFilters.class);

    static final Symbol STREAM_FILTER = Symbol.valueOf("rabbitmq:stream-filter");
    static final Symbol MATCH_UNFILTERED = Symbol.valueOf("rabbitmq:stream-match-unfiltered");
    static final Symbol PROPERTIES = Symbol.valueOf("amqp:properties-filter");
    static final long PROPERTIES_CODE = 0x173;
    static final Symbol APPLICATION_PROPERTIES = Symbol.valueOf("amqp:application-properties-filter");
    static final long APPLICATION_PROPERTIES_CODE = 0x174;
    static final Symbol SQL = Symbol.valueOf("amqp:sql-filter");
    static final long SQL_CODE = 0x120;
    static final Symbol JMS_SELECTOR = Symbol.valueOf("apache.org:selector-filter:string");
    static final long JMS_SELECTOR_CODE = 0x0000468C00000004L;
    static final Symbol NO_LOCAL = Symbol.valueOf("apache.org:no-local-filter:list");
    static final long NO_LOCAL_CODE = 0x0000468C00000003L;

    /** What an entry of the filter set is. */
    enum Kind { TAGS, MATCH_UNFILTERED, PROPERTIES, APPLICATION_PROPERTIES, SQL, JMS_SELECTOR, NO_LOCAL, OTHER }

    private final List<MessagePredicate> predicates;
    private final int[] tagHashes;
    private final Set<Symbol> appliedKeys;
    private final Symbol noLocalKey;
    /** The tag filter when it is the only filter applied (the usual case): judged on the bytes in place. */
    private final TagFilter onlyTags;

    private SourceFilters(List<MessagePredicate> predicates, int[] tagHashes, Set<Symbol> appliedKeys,
            Symbol noLocalKey) {
        this.predicates = predicates;
        this.tagHashes = tagHashes;
        this.appliedKeys = appliedKeys;
        this.noLocalKey = noLocalKey;
        this.onlyTags = predicates.size() == 1 && predicates.get(0) instanceof TagFilter tags ? tags : null;
    }

    /** Reads a source's filter set (null: none). Never throws. */
    public static SourceFilters read(Map<Symbol, Object> filters) {
        List<MessagePredicate> predicates = new ArrayList<>();
        Set<Symbol> applied = new LinkedHashSet<>();
        int[] tagHashes = null;
        Symbol noLocal = null;
        if (filters == null) {
            return new SourceFilters(predicates, null, applied, null);
        }
        Symbol unfilteredKey = null;
        boolean matchUnfiltered = false;
        Symbol tagKey = null;
        Object tagValue = null;
        for (Map.Entry<Symbol, Object> e : filters.entrySet()) {
            Symbol key = e.getKey();
            Object raw = e.getValue();
            Kind kind = kindOf(key, raw);
            Object value = raw instanceof DescribedType d ? d.getDescribed() : raw;
            try {
                switch (kind) {
                    case TAGS -> {
                        tagKey = key;
                        tagValue = value;
                    }
                    case MATCH_UNFILTERED -> {
                        if (!(value instanceof Boolean b)) {
                            throw new IllegalArgumentException("rabbitmq:stream-match-unfiltered takes a boolean, not "
                                    + PropertiesFilter.describe(value));
                        }
                        unfilteredKey = key;
                        matchUnfiltered = b;
                    }
                    case PROPERTIES, APPLICATION_PROPERTIES -> {
                        predicates.add(PropertiesFilter.of(kind == Kind.APPLICATION_PROPERTIES, value));
                        applied.add(key);
                    }
                    case SQL, JMS_SELECTOR -> {
                        if (!(value instanceof String || value instanceof Symbol)) {
                            throw new IllegalArgumentException("an expression filter takes a string, not "
                                    + PropertiesFilter.describe(value));
                        }
                        predicates.add(Selector.parse(value.toString(), kind == Kind.SQL
                                ? SelectorParser.Dialect.SQL : SelectorParser.Dialect.JMS));
                        applied.add(key);
                    }
                    case NO_LOCAL -> noLocal = key;
                    case OTHER -> { }
                }
            } catch (IllegalArgumentException | SelectorSyntaxException invalid) {
                LOG.debug("Filter '{}' not applied: {}", key, invalid.getMessage());
            }
        }
        if (tagKey != null) {
            try {
                TagFilter tags = TagFilter.of(tagValue, matchUnfiltered);
                predicates.add(tags);
                tagHashes = tags.tagHashes();
                applied.add(tagKey);
                if (unfilteredKey != null) {
                    applied.add(unfilteredKey);
                }
            } catch (IllegalArgumentException invalid) {
                LOG.debug("Filter '{}' not applied: {}", tagKey, invalid.getMessage());
            }
        }
        return new SourceFilters(List.copyOf(predicates), tagHashes, applied, noLocal);
    }

    /** What the entry {@code key -> value} is, by its descriptor when it is described, else by its key. */
    static Kind kindOf(Symbol key, Object value) {
        if (value instanceof DescribedType described) {
            Object descriptor = described.getDescriptor();
            if (descriptor instanceof UnsignedLong code) {
                return kindOfCode(code.longValue());
            }
            if (descriptor instanceof Number code) {
                return kindOfCode(code.longValue());
            }
            return kindOfName(String.valueOf(descriptor));
        }
        return kindOfName(key == null ? "" : key.toString());
    }

    private static Kind kindOfCode(long code) {
        if (code == PROPERTIES_CODE) {
            return Kind.PROPERTIES;
        }
        if (code == APPLICATION_PROPERTIES_CODE) {
            return Kind.APPLICATION_PROPERTIES;
        }
        if (code == SQL_CODE) {
            return Kind.SQL;
        }
        if (code == JMS_SELECTOR_CODE) {
            return Kind.JMS_SELECTOR;
        }
        return code == NO_LOCAL_CODE ? Kind.NO_LOCAL : Kind.OTHER;
    }

    private static Kind kindOfName(String name) {
        return switch (name) {
            case "rabbitmq:stream-filter" -> Kind.TAGS;
            case "rabbitmq:stream-match-unfiltered" -> Kind.MATCH_UNFILTERED;
            case "amqp:properties-filter", "properties-filter" -> Kind.PROPERTIES;
            case "amqp:application-properties-filter", "application-properties-filter" -> Kind.APPLICATION_PROPERTIES;
            case "amqp:sql-filter", "sql-filter" -> Kind.SQL;
            case "apache.org:selector-filter:string", "jms-selector" -> Kind.JMS_SELECTOR;
            case "apache.org:no-local-filter:list", "no-local" -> Kind.NO_LOCAL;
            default -> Kind.OTHER;
        };
    }

    /** True when no filter is applied: the consumer takes every message. */
    public boolean isEmpty() {
        return predicates.isEmpty();
    }

    /** The keys of the filter set's entries that are applied (to echo in the attach reply). */
    public Set<Symbol> appliedKeys() {
        return appliedKeys;
    }

    /** The key of a no-local entry, or null; whether it can be applied is the link's business. */
    public Symbol noLocalKey() {
        return noLocalKey;
    }

    @Override
    public int[] tagHashes() {
        return tagHashes;
    }

    @Override
    public boolean matches(ByteBuffer payload) {
        if (onlyTags != null) {
            int verdict = onlyTags.verdict(payload);
            if (verdict != TagFilter.UNSURE) {
                return verdict == TagFilter.YES;
            }
        }
        return matchesByView(payload);
    }

    /** {@link #matches} through a {@link MessageView} and every predicate: the reference the shortcut must agree with. */
    boolean matchesByView(ByteBuffer payload) {
        try {
            MessageView view = MessageView.parse(payload);
            for (MessagePredicate p : predicates) {
                if (!p.test(view)) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException cannotJudge) {
            // A malformed stored message or a value of an unexpected type: it does not match.
            return false;
        }
    }
}
