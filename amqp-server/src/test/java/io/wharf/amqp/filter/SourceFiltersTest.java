package io.wharf.amqp.filter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.store.queue.TagHash;
import java.nio.ByteBuffer;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

/** Reading a source's filter set: which entries apply, what they match, what is echoed. */
class SourceFiltersTest {

    private static Object described(Object descriptor, Object value) {
        return new DescribedType() {
            @Override
            public Object getDescriptor() {
                return descriptor;
            }

            @Override
            public Object getDescribed() {
                return value;
            }
        };
    }

    private static Map<Symbol, Object> filters(Object... keyValues) {
        Map<Symbol, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(Symbol.valueOf((String) keyValues[i]), keyValues[i + 1]);
        }
        return map;
    }

    @Test
    void tagFilterIsExactAndMatchUnfilteredAddsUntagged() {
        SourceFilters f = SourceFilters.read(filters("rabbitmq:stream-filter",
                described(Symbol.valueOf("rabbitmq:stream-filter"), List.of("a", "b"))));
        assertTrue(f.matches(Messages.encode(Messages.tagged("a"))));
        assertTrue(f.matches(Messages.encode(Messages.tagged("b"))));
        assertFalse(f.matches(Messages.encode(Messages.tagged("c"))));
        assertFalse(f.matches(Messages.encode(Messages.tagged(null))));
        assertEquals(Set.of(TagHash.of("a"), TagHash.of("b")),
                Set.of(f.tagHashes()[0], f.tagHashes()[1]));
        SourceFilters unfiltered = SourceFilters.read(filters("rabbitmq:stream-filter", "a",
                "rabbitmq:stream-match-unfiltered", true));
        assertTrue(unfiltered.matches(Messages.encode(Messages.tagged(null))));
        assertTrue(unfiltered.mayMatchTag(TagHash.NONE));
        assertEquals(Set.of(Symbol.valueOf("rabbitmq:stream-filter"), Symbol.valueOf("rabbitmq:stream-match-unfiltered")),
                unfiltered.appliedKeys());
    }

    @Test
    void propertiesFilterWithPrefixSuffixAndEscape() {
        Message m = Messages.message(Map.of("region", "&eu", "n", 5L));
        Properties p = new Properties();
        p.setSubject("orders.eu.new");
        p.setContentType(Symbol.valueOf("application/json"));
        p.setCreationTime(new Date(1234));
        m.setProperties(p);
        ByteBuffer encoded = Messages.encode(m);
        assertTrue(SourceFilters.read(filters("p", described(new UnsignedLong(0x173),
                Map.of(Symbol.valueOf("subject"), "&p:orders.", Symbol.valueOf("content-type"),
                        Symbol.valueOf("application/json"))))).matches(encoded));
        assertTrue(SourceFilters.read(filters("p", described(Symbol.valueOf("amqp:properties-filter"),
                Map.of(Symbol.valueOf("subject"), "&s:.new", Symbol.valueOf("creation-time"), new Date(1234)))))
                .matches(encoded));
        assertFalse(SourceFilters.read(filters("p", described(new UnsignedLong(0x173),
                Map.of(Symbol.valueOf("subject"), "orders")))).matches(encoded));
        assertFalse(SourceFilters.read(filters("p", described(new UnsignedLong(0x173),
                Map.of(Symbol.valueOf("to"), "x")))).matches(encoded), "absent never matches");
        assertTrue(SourceFilters.read(filters("a", described(new UnsignedLong(0x174),
                Map.of("region", "&&eu", "n", 5)))).matches(encoded), "&& escapes &; numbers by value");
        assertFalse(SourceFilters.read(filters("a", described(new UnsignedLong(0x174),
                Map.of("region", "&p:x")))).matches(encoded));
    }

    @Test
    void invalidFiltersAreNotAppliedAndNotEchoed() {
        SourceFilters f = SourceFilters.read(filters(
                "jms-selector", described(Symbol.valueOf("apache.org:selector-filter:string"), "color = "),
                "sql", described(new UnsignedLong(0x120), "a = 1"),
                "p", described(new UnsignedLong(0x173), Map.of(Symbol.valueOf("nonsense"), "x")),
                "unknown", described(Symbol.valueOf("x:whatever"), "y"),
                "rabbitmq:stream-filter", 42));
        assertEquals(Set.of(Symbol.valueOf("sql")), f.appliedKeys());
        assertNull(f.tagHashes());
        assertFalse(f.isEmpty());
    }

    @Test
    void noLocalIsRecognisedButLeftToTheLink() {
        SourceFilters f = SourceFilters.read(filters("no-local",
                described(Symbol.valueOf("apache.org:no-local-filter:list"), List.of())));
        assertEquals(Symbol.valueOf("no-local"), f.noLocalKey());
        assertTrue(f.isEmpty());
        assertTrue(f.appliedKeys().isEmpty());
    }

    @Test
    void aMalformedMessageDoesNotMatchAndNothingThrows() {
        SourceFilters f = SourceFilters.read(filters("s", described(new UnsignedLong(0x120), "a = 1")));
        assertFalse(f.matches(ByteBuffer.wrap(new byte[] {0, 0x53, 0x77, (byte) 0xff})));
        assertFalse(f.matches(ByteBuffer.allocate(0)));
        assertArrayEquals(new byte[0], new byte[0]);
    }
}
