package io.wharf.plugin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsEveryKindOfValue() {
        Object parsed = Json.parse(" {\"a\": [1, -2.5, 3e2, true, false, null], \"s\": \"q\\\"\\\\\\n\\u00e9/\","
                + " \"o\": {}, \"big\": 123456789012345678901234} ");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", Arrays.asList(1L, -2.5, 300.0, true, false, null));
        expected.put("s", "q\"\\\n\u00e9/");
        expected.put("o", Map.of());
        expected.put("big", 1.2345678901234568E23);
        assertEquals(expected, parsed);
    }

    @Test
    void writesWhatItReads() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "a\"b\\c\n\u0001<");
        value.put("list", Arrays.asList(1L, 2.5, null, false));
        value.put("nested", Map.of("k", List.of()));
        String text = Json.write(value);
        assertEquals(value, Json.parse(text));
        assertTrue(text.contains("\\u003c"), "'<' is escaped so JSON is safe inside HTML: " + text);
        assertEquals("null", Json.write(Double.NaN));
    }

    @Test
    void malformedInputSaysWhere() {
        for (String bad : List.of("", "{", "{\"a\" 1}", "[1,]", "tru", "\"open", "{\"a\":1} x", "01x", "\"\\q\"",
                "[" .repeat(100))) {
            Json.SyntaxException e = assertThrows(Json.SyntaxException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("malformed JSON at character "), e.getMessage());
        }
    }
}
