package io.wharf.amqp.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wharf.amqp.filter.SelectorParser.Dialect;
import io.wharf.amqp.message.MessageView;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Property: for random expressions over random messages, parsing the rendered text and evaluating it through
 * {@link Selector} (via the encoded message and {@link MessageView}) selects exactly when a small, separately
 * written reference evaluator over the generated tree says TRUE. Seeds are fixed so a failure reproduces; the
 * failing expression and properties are in the message.
 */
class SelectorPropertyTest {

    private static final String[] INT_FIELDS = {"a", "b", "c"};
    private static final String[] STRING_FIELDS = {"s", "t"};
    private static final String[] STRINGS = {"", "a", "ab", "ba", "a_b", "x%y", "abc"};
    private static final String[] PATTERNS = {"a%", "%b", "_", "a_b", "%", "a\\%%", "%a%", "ab"};

    /** A generated tree: renders to selector text and evaluates by itself (the reference). */
    private interface Node {
        String text();

        /** Long, String, Boolean, or null for unknown. */
        Object eval(Map<String, Object> props);
    }

    private record Lit(Object v) implements Node {
        public String text() {
            return v instanceof String s ? "'" + s.replace("'", "''") + "'" : v instanceof Boolean b
                    ? (b ? "TRUE" : "FALSE") : String.valueOf(v);
        }

        public Object eval(Map<String, Object> p) {
            return v;
        }
    }

    private record Var(String name) implements Node {
        public String text() {
            return name;
        }

        public Object eval(Map<String, Object> p) {
            Object v = p.get(name);
            return v instanceof Integer i ? (Object) (long) i : v;
        }
    }

    /** Truth values as 'T', 'F', 'U'. */
    private static char truth(Object v) {
        return v instanceof Boolean b ? (b ? 'T' : 'F') : 'U';
    }

    private static Object fromTruth(char t) {
        return t == 'T' ? Boolean.TRUE : t == 'F' ? Boolean.FALSE : null;
    }

    private record Logic(String op, Node l, Node r) implements Node {
        public String text() {
            return "(" + l.text() + " " + op + " " + r.text() + ")";
        }

        public Object eval(Map<String, Object> p) {
            char a = truth(l.eval(p));
            char b = truth(r.eval(p));
            if (op.equals("AND")) {
                return fromTruth(a == 'F' || b == 'F' ? 'F' : a == 'T' && b == 'T' ? 'T' : 'U');
            }
            return fromTruth(a == 'T' || b == 'T' ? 'T' : a == 'F' && b == 'F' ? 'F' : 'U');
        }
    }

    private record NotNode(Node n) implements Node {
        public String text() {
            return "NOT (" + n.text() + ")";
        }

        public Object eval(Map<String, Object> p) {
            char t = truth(n.eval(p));
            return fromTruth(t == 'T' ? 'F' : t == 'F' ? 'T' : 'U');
        }
    }

    private record Cmp(String op, Node l, Node r) implements Node {
        public String text() {
            return "(" + l.text() + " " + op + " " + r.text() + ")";
        }

        public Object eval(Map<String, Object> p) {
            return cmp(op, l.eval(p), r.eval(p));
        }
    }

    static Object cmp(String op, Object x, Object y) {
        Integer c = null;
        if (x instanceof Long a && y instanceof Long b) {
            c = a.compareTo(b);
        } else if (x instanceof String a && y instanceof String b) {
            c = Integer.signum(a.compareTo(b));
        } else if (x instanceof Boolean a && y instanceof Boolean b && (op.equals("=") || op.equals("<>"))) {
            c = a.equals(b) ? 0 : 1;
        }
        if (c == null) {
            return null;
        }
        return switch (op) {
            case "=" -> c == 0;
            case "<>" -> c != 0;
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            default -> c >= 0;
        };
    }

    private record Arith(String op, Node l, Node r) implements Node {
        public String text() {
            return "(" + l.text() + " " + op + " " + r.text() + ")";
        }

        public Object eval(Map<String, Object> p) {
            if (!(l.eval(p) instanceof Long a) || !(r.eval(p) instanceof Long b)) {
                return null;
            }
            BigInteger x = BigInteger.valueOf(a);
            BigInteger y = BigInteger.valueOf(b);
            if ((op.equals("/") || op.equals("%")) && b == 0) {
                return null;
            }
            BigInteger z = switch (op) {
                case "+" -> x.add(y);
                case "-" -> x.subtract(y);
                case "*" -> x.multiply(y);
                case "/" -> x.divide(y);
                default -> x.remainder(y);
            };
            return z.bitLength() < 64 ? (Object) z.longValue() : null;
        }
    }

    private record BetweenNode(Node v, Node lo, Node hi, boolean not) implements Node {
        public String text() {
            return "(" + v.text() + (not ? " NOT" : "") + " BETWEEN " + lo.text() + " AND " + hi.text() + ")";
        }

        public Object eval(Map<String, Object> p) {
            Object x = v.eval(p);
            Object r = new Logic("AND", new Lit(cmp(">=", x, lo.eval(p))), new Lit(cmp("<=", x, hi.eval(p))))
                    .eval(p);
            return not ? new NotNode(new Lit(r)).eval(p) : r;
        }
    }

    private record InNode(Node v, List<String> values, boolean not) implements Node {
        public String text() {
            List<String> quoted = values.stream().map(s -> "'" + s + "'").toList();
            return "(" + v.text() + (not ? " NOT" : "") + " IN (" + String.join(", ", quoted) + "))";
        }

        public Object eval(Map<String, Object> p) {
            Object x = v.eval(p);
            if (!(x instanceof String s)) {
                return null;
            }
            boolean in = values.contains(s);
            return not != in;
        }
    }

    private record LikeNode(Node v, String pattern, boolean not) implements Node {
        public String text() {
            return "(" + v.text() + (not ? " NOT" : "") + " LIKE '" + pattern + "'"
                    + (pattern.contains("\\") ? " ESCAPE '\\'" : "") + ")";
        }

        public Object eval(Map<String, Object> p) {
            if (!(v.eval(p) instanceof String s)) {
                return null;
            }
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (c == '\\') {
                    regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
                } else if (c == '%') {
                    regex.append(".*");
                } else if (c == '_') {
                    regex.append(".");
                } else {
                    regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            boolean m = Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(s).matches();
            return not != m;
        }
    }

    private record NullNode(Node v, boolean not) implements Node {
        public String text() {
            return "(" + v.text() + " IS " + (not ? "NOT " : "") + "NULL)";
        }

        public Object eval(Map<String, Object> p) {
            return not != (v.eval(p) == null);
        }
    }

    private static Node numeric(Random r, int depth) {
        int k = r.nextInt(depth > 2 ? 2 : 4);
        return switch (k) {
            case 0 -> new Lit((long) r.nextInt(11) - 5);
            case 1 -> new Var(r.nextInt(5) == 0 ? "s" : INT_FIELDS[r.nextInt(INT_FIELDS.length)]);
            default -> new Arith(new String[] {"+", "-", "*", "/", "%"}[r.nextInt(5)], numeric(r, depth + 1),
                    numeric(r, depth + 1));
        };
    }

    private static Node text(Random r) {
        return r.nextInt(4) == 0 ? new Lit(STRINGS[r.nextInt(STRINGS.length)])
                : new Var(r.nextInt(6) == 0 ? "a" : STRING_FIELDS[r.nextInt(STRING_FIELDS.length)]);
    }

    private static Node bool(Random r, int depth) {
        int k = r.nextInt(depth > 3 ? 7 : 10);
        String[] ops = {"=", "<>", "<", "<=", ">", ">="};
        return switch (k) {
            case 0 -> new Cmp(ops[r.nextInt(ops.length)], numeric(r, depth), numeric(r, depth));
            case 1 -> new Cmp(ops[r.nextInt(ops.length)], text(r), text(r));
            case 2 -> new BetweenNode(numeric(r, depth), numeric(r, depth), numeric(r, depth), r.nextBoolean());
            case 3 -> new InNode(text(r), List.of(STRINGS[r.nextInt(STRINGS.length)],
                    STRINGS[r.nextInt(STRINGS.length)]), r.nextBoolean());
            case 4 -> new LikeNode(text(r), PATTERNS[r.nextInt(PATTERNS.length)], r.nextBoolean());
            case 5 -> new NullNode(r.nextBoolean() ? text(r) : numeric(r, depth), r.nextBoolean());
            case 6 -> r.nextBoolean() ? new Var("f") : new Cmp(r.nextBoolean() ? "=" : "<>", new Var("f"),
                    new Lit(r.nextBoolean()));
            case 7 -> new NotNode(bool(r, depth + 1));
            default -> new Logic(r.nextBoolean() ? "AND" : "OR", bool(r, depth + 1), bool(r, depth + 1));
        };
    }

    private static Map<String, Object> properties(Random r) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (String f : INT_FIELDS) {
            int k = r.nextInt(8);
            if (k < 6) {
                p.put(f, r.nextInt(11) - 5);
            } else if (k == 6) {
                p.put(f, STRINGS[r.nextInt(STRINGS.length)]);
            }
        }
        for (String f : STRING_FIELDS) {
            if (r.nextInt(5) > 0) {
                p.put(f, STRINGS[r.nextInt(STRINGS.length)]);
            }
        }
        if (r.nextInt(4) > 0) {
            p.put("f", r.nextBoolean());
        }
        return p;
    }

    @Test
    void theEvaluatorAgreesWithTheReferenceOnRandomExpressionsAndMessages() throws Exception {
        Random r = new Random(20261122);
        int selected = 0;
        List<Map<String, Object>> messages = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            messages.add(properties(r));
        }
        List<MessageView> views = messages.stream()
                .map(m -> MessageView.parse(Messages.encode(Messages.message(m)))).toList();
        for (int e = 0; e < 1500; e++) {
            Node tree = bool(r, 0);
            for (Dialect dialect : Dialect.values()) {
                Selector selector = Selector.parse(tree.text(), dialect);
                for (int m = 0; m < messages.size(); m++) {
                    Map<String, Object> props = messages.get(m);
                    boolean expected = Boolean.TRUE.equals(tree.eval(props));
                    assertEquals(expected, selector.test(views.get(m)), () -> dialect + ": " + tree.text() + " on "
                            + props);
                    if (expected) {
                        selected++;
                    }
                }
            }
        }
        // The generator is not degenerate: a fair share of the cases select.
        org.junit.jupiter.api.Assertions.assertTrue(selected > 5_000, "selected " + selected);
    }
}
