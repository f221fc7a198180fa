package io.wharf.store.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamOffsetTest {

    private static final long NOW = 1_700_000_000_000L;

    @Test
    void namedSpecs() {
        assertEquals(StreamOffset.FIRST, StreamOffset.parse("first", NOW));
        assertEquals(StreamOffset.LAST, StreamOffset.parse("last", NOW));
        assertEquals(StreamOffset.NEXT, StreamOffset.parse("next", NOW));
    }

    @Test
    void intervalsCountBackFromNow() {
        assertEquals(StreamOffset.timestamp(NOW - 600_000), StreamOffset.parse("10m", NOW));
        assertEquals(StreamOffset.timestamp(NOW - 30_000), StreamOffset.parse("30s", NOW));
        assertEquals(StreamOffset.timestamp(NOW - 2 * 3_600_000), StreamOffset.parse("2h", NOW));
    }

    @Test
    void offsetsAndTimestamps() {
        assertEquals(new StreamOffset(StreamOffset.Kind.OFFSET, 42), StreamOffset.offset(42));
        assertEquals(new StreamOffset(StreamOffset.Kind.TIMESTAMP, NOW), StreamOffset.timestamp(NOW));
        assertThrows(IllegalArgumentException.class, () -> StreamOffset.offset(-1));
    }

    @Test
    void badSpecsAreRefusedWithAReason() {
        for (String bad : new String[] {"", "FIRST", "10", "m", "-5m", "5x", "1.5h", "+5m", "10 m"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StreamOffset.parse(bad, NOW), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void durationsInEveryUnit() {
        assertEquals(7L * 86_400_000, StreamArguments.parseDurationMs("7D"));
        assertEquals(12L * 3_600_000, StreamArguments.parseDurationMs("12h"));
        assertEquals(30L * 60_000, StreamArguments.parseDurationMs("30m"));
        assertEquals(10_000, StreamArguments.parseDurationMs("10s"));
        assertEquals(2L * 30 * 86_400_000, StreamArguments.parseDurationMs("2M"));
        assertEquals(365L * 86_400_000, StreamArguments.parseDurationMs("1Y"));
        assertThrows(IllegalArgumentException.class, () -> StreamArguments.parseDurationMs("0s"));
        assertThrows(IllegalArgumentException.class, () -> StreamArguments.parseDurationMs("99999999999999999Y"));
    }

    @Test
    void streamArguments() {
        assertEquals(StreamArguments.NONE, StreamArguments.from(Map.of()));
        assertEquals(new StreamArguments(1000, 3_600_000, 8192), StreamArguments.from(Map.of(
                "x-max-length-bytes", 1000L, "x-max-age", "1h", "x-stream-max-segment-size-bytes", 8192L)));
        assertThrows(IllegalArgumentException.class, () -> StreamArguments.from(Map.of("x-max-age", 60L)));
        assertThrows(IllegalArgumentException.class,
                () -> StreamArguments.from(Map.of("x-stream-max-segment-size-bytes", 100L)));
        assertThrows(IllegalArgumentException.class, () -> StreamArguments.from(Map.of("x-max-length-bytes", -1L)));
    }
}
