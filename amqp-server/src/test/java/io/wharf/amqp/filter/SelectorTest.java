package io.wharf.amqp.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.amqp.filter.SelectorParser.Dialect;
import io.wharf.amqp.message.MessageView;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

/** The parser and evaluator on examples: syntax, three-valued logic, field mapping of both dialects. */
class SelectorTest {

    private static final Map<String, Object> PROPS = props();

    private static Map<String, Object> props() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("color", "red");
        p.put("size", 7);
        p.put("weight", 2.5);
        p.put("count", new UnsignedInteger(3));
        p.put("flag", true);
        p.put("kind", Symbol.valueOf("sym"));
        p.put("path", "a_b%c");
        return p;
    }

    private static boolean jms(String selector) throws SelectorSyntaxException {
        return jms(selector, Messages.message(PROPS));
    }

    private static boolean jms(String selector, Message message) throws SelectorSyntaxException {
        return Selector.parse(selector, Dialect.JMS).test(MessageView.parse(Messages.encode(message)));
    }

    private static boolean sql(String expression, Message message) throws SelectorSyntaxException {
        return Selector.parse(expression, Dialect.SQL).test(MessageView.parse(Messages.encode(message)));
    }

    @Test
    void comparisonsAndArithmetic() throws Exception {
        assertTrue(jms("color = 'red'"));
        assertFalse(jms("color <> 'red'"));
        assertTrue(jms("size > 6 AND size < 8"));
        assertTrue(jms("size * 2 + 1 = 15"));
        assertTrue(jms("weight BETWEEN 2 AND 3"));
        assertTrue(jms("size NOT BETWEEN 8 AND 9"));
        assertTrue(jms("count = 3"), "unsigned ints compare by value");
        assertTrue(jms("size / 2 = 3"), "integer division");
        assertTrue(jms("weight / 2 = 1.25"));
        assertTrue(jms("-size = -7"));
        assertTrue(jms("flag"));
        assertTrue(jms("flag = TRUE AND NOT (flag = false)"));
        assertTrue(jms("kind = 'sym'"), "symbols read as strings");
        assertTrue(jms("size = 7.0"), "long and double compare numerically");
        assertTrue(jms("1e1 = 10"));
    }

    @Test
    void likeInAndIsNull() throws Exception {
        assertTrue(jms("color LIKE 'r_d'"));
        assertTrue(jms("color LIKE '%e%'"));
        assertFalse(jms("color LIKE 're'"));
        assertTrue(jms("path LIKE 'a\\_b\\%%' ESCAPE '\\'"));
        assertFalse(jms("path LIKE 'a\\_c%' ESCAPE '\\'"));
        assertTrue(jms("color IN ('blue', 'red')"));
        assertTrue(jms("color NOT IN ('blue', 'green')"));
        assertTrue(jms("missing IS NULL"));
        assertTrue(jms("color IS NOT NULL"));
    }

    @Test
    void threeValuedLogic() throws Exception {
        assertFalse(jms("missing = 1"), "unknown does not select");
        assertFalse(jms("NOT (missing = 1)"), "NOT unknown is unknown");
        assertTrue(jms("missing = 1 OR color = 'red'"), "unknown OR true is true");
        assertFalse(jms("missing = 1 AND color = 'red'"), "unknown AND true is unknown");
        assertFalse(jms("NOT (missing = 1 AND color = 'blue')") == false, "unknown AND false is false; NOT false");
        assertFalse(jms("color > 5"), "a type mismatch is unknown");
        assertFalse(jms("size / 0 = 1"), "division by zero is unknown, not an error");
        assertFalse(jms("missing IN ('a')"));
        assertFalse(jms("NOT (missing LIKE 'a%')"));
        assertFalse(jms("size"), "a non-boolean result does not select");
    }

    @Test
    void jmsHeaderFieldsMapOntoAmqp() throws Exception {
        Message m = Messages.message(Map.of());
        m.setHeader(new Header());
        m.getHeader().setDurable(true);
        m.getHeader().setPriority(org.apache.qpid.proton.amqp.UnsignedByte.valueOf((byte) 7));
        m.getHeader().setDeliveryCount(new UnsignedInteger(2));
        Properties p = new Properties();
        p.setMessageId("ID:abc:1");
        p.setCorrelationId(UUID.fromString("6f1c2a5e-0b8d-4e5f-9a1b-2c3d4e5f6a7b"));
        p.setSubject("order");
        p.setCreationTime(new Date(1000));
        p.setGroupId("g");
        m.setProperties(p);
        assertTrue(jms("JMSPriority = 7 AND JMSDeliveryMode = 'PERSISTENT'", m));
        assertTrue(jms("JMSMessageID = 'ID:abc:1' AND JMSType = 'order' AND JMSTimestamp = 1000", m));
        assertTrue(jms("JMSCorrelationID = 'ID:AMQP_UUID:6f1c2a5e-0b8d-4e5f-9a1b-2c3d4e5f6a7b'", m));
        assertTrue(jms("JMSXGroupID = 'g' AND JMSXDeliveryCount = 3", m));
        assertTrue(jms("JMSPriority = 4", Messages.message(Map.of())), "default priority");
        assertTrue(jms("JMSDeliveryMode = 'NON_PERSISTENT'", Messages.message(Map.of())));
    }

    @Test
    void sqlPrefixes() throws Exception {
        Message m = Messages.message(Map.of("region", "EU-west", "p", 1));
        m.setHeader(new Header());
        m.getHeader().setPriority(org.apache.qpid.proton.amqp.UnsignedByte.valueOf((byte) 6));
        Properties p = new Properties();
        p.setSubject("orders.eu");
        p.setMessageId("m-1");
        m.setProperties(p);
        assertTrue(sql("h.priority > 4 AND p.subject LIKE 'orders.%'", m));
        assertTrue(sql("header.priority = 6 AND properties.message-id = 'm-1'", m));
        assertTrue(sql("p.message_id = 'm-1'", m), "underscores stand for hyphens");
        assertTrue(sql("region LIKE 'EU-%' AND a.region = region", m));
        assertTrue(sql("p = 1", m), "a bare p is an application property");
        assertTrue(sql("p.to IS NULL", m));
        assertThrows(SelectorSyntaxException.class, () -> Selector.parse("p.nonsense = 1", Dialect.SQL));
    }

    @Test
    void invalidExpressionsAreRejectedWithAReason() {
        for (String bad : new String[] {"", "color =", "color = 'red", "(a = 1", "a = 1)", "a LIKE 5", "a IN ()",
                "a IN (b)", "AND", "a ! b", "a = 1 b", "1a = 2", "x LIKE 'a' ESCAPE 'ab'", "NOT", "a BETWEEN 1",
                "99999999999999999999 = 1", "a = = b"}) {
            SelectorSyntaxException e = assertThrows(SelectorSyntaxException.class,
                    () -> Selector.parse(bad, Dialect.JMS), bad);
            assertTrue(e.getMessage().contains("position"), e.getMessage());
        }
    }

    @Test
    void deepOrLongExpressionsAreRefusedNotOverflowed() {
        String deep = "(".repeat(10_000) + "a = 1" + ")".repeat(10_000);
        assertThrows(SelectorSyntaxException.class, () -> Selector.parse(deep, Dialect.JMS));
        String nots = "NOT ".repeat(10_000) + "a = 1";
        assertThrows(SelectorSyntaxException.class, () -> Selector.parse(nots, Dialect.JMS));
        String minus = "-".repeat(10_000) + "a = 1";
        assertThrows(SelectorSyntaxException.class, () -> Selector.parse(minus, Dialect.JMS));
        String wide = "a = 1" + " OR a = 1".repeat(5_000);
        assertThrows(SelectorSyntaxException.class, () -> Selector.parse(wide, Dialect.JMS));
    }

    @Test
    void likeNeverBacktracksBadly() throws Exception {
        String pattern = "%a".repeat(30) + "b";
        Message m = Messages.message(Map.of("s", "a".repeat(5000)));
        assertFalse(jms("s LIKE '" + pattern + "'", m));
        assertEquals(true, new LikePattern("%x%y", null).matches("axbxcy"));
    }
}
