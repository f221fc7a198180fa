package io.wharf.plugin.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceSettingsTest {

    @Test
    void defaultsTraceEverythingOfTheDefaultVhostToAmqWharfTrace() {
        TraceSettings settings = TraceSettings.from(Map.of());
        assertEquals("amq.wharf.trace", settings.exchange());
        assertEquals(List.of("/"), settings.vhosts());
        assertTrue(settings.publish());
        assertTrue(settings.deliver());
        assertTrue(TraceSettings.any(settings.exchanges(), "amq.default"));
        assertTrue(TraceSettings.any(settings.queues(), "anything"));
        assertEquals(Map.of(), settings.matchHeaders());
    }

    @Test
    void readsEveryKey() {
        TraceSettings settings = TraceSettings.from(Map.of("exchange", "trace", "vhosts", List.of("/", "shop"),
                "events", List.of("deliver"), "exchanges", List.of("orders.*"), "queues", "audit-?",
                "match-headers", Map.of("trace", true)));
        assertEquals("trace", settings.exchange());
        assertEquals(List.of("/", "shop"), settings.vhosts());
        assertFalse(settings.publish());
        assertTrue(settings.deliver());
        assertTrue(TraceSettings.any(settings.exchanges(), "orders.eu"));
        assertFalse(TraceSettings.any(settings.exchanges(), "ordersX"));
        assertTrue(TraceSettings.any(settings.queues(), "audit-1"));
        assertFalse(TraceSettings.any(settings.queues(), "audit-12"));
        assertEquals(Map.of("trace", "true"), settings.matchHeaders());
    }

    @Test
    void globCharactersOtherThanStarAndQuestionMarkAreLiteral() {
        assertTrue(TraceSettings.glob("a.b(c)+").matcher("a.b(c)+").matches());
        assertFalse(TraceSettings.glob("a.b").matcher("axb").matches());
    }

    @Test
    void badValuesNameTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TraceSettings.from(Map.of("events", List.of("publish", "ack"))));
        assertTrue(e.getMessage().contains("plugins.settings.tracing.events") && e.getMessage().contains("'ack'"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TraceSettings.from(Map.of("exchange", 3)));
        assertTrue(e.getMessage().contains("plugins.settings.tracing.exchange"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TraceSettings.from(Map.of("match-headers", "x")));
        assertTrue(e.getMessage().contains("match-headers"), e.getMessage());
    }
}
