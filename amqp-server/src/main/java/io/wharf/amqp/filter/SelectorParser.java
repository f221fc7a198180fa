package io.wharf.amqp.filter;

import io.wharf.amqp.filter.Expression.And;
import io.wharf.amqp.filter.Expression.Arith;
import io.wharf.amqp.filter.Expression.ArithOp;
import io.wharf.amqp.filter.Expression.Between;
import io.wharf.amqp.filter.Expression.Compare;
import io.wharf.amqp.filter.Expression.CompareOp;
import io.wharf.amqp.filter.Expression.In;
import io.wharf.amqp.filter.Expression.IsNull;
import io.wharf.amqp.filter.Expression.Like;
import io.wharf.amqp.filter.Expression.Literal;
import io.wharf.amqp.filter.Expression.Negate;
import io.wharf.amqp.filter.Expression.Not;
import io.wharf.amqp.filter.Expression.Or;
import io.wharf.amqp.filter.Expression.Read;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One recursive-descent parser for JMS selectors and AMQP SQL filter expressions (the SQL-92 subset both use):
 *
 * <pre>
 * expression := and (OR and)*
 * and        := not (AND not)*
 * not        := NOT not | predicate
 * predicate  := sum [ (= | &lt;&gt; | != | &lt; | &lt;= | &gt; | &gt;=) sum
 *                   | [NOT] BETWEEN sum AND sum | [NOT] IN ( literal, ... )
 *                   | [NOT] LIKE 'pattern' [ESCAPE 'c'] | IS [NOT] NULL ]
 * sum        := product ((+ | -) product)*
 * product    := unary ((* | / | %) unary)*
 * unary      := (+ | -) unary | 'string' | number | TRUE | FALSE | field | ( expression )
 * </pre>
 *
 * Keywords are case-insensitive. Fields by {@link Dialect}: for JMS, {@code JMS...} names are header fields and
 * every other identifier an application property; for SQL, {@code h.}/{@code header.}, {@code p.}/{@code properties.}
 * and {@code a.}/{@code application_properties.} prefixes, a bare identifier being an application property. Depth
 * and length are bounded so that no input can exhaust the stack.
 */
public final class SelectorParser {

    public enum Dialect { JMS, SQL }

    static final int MAX_LENGTH = 64 * 1024;
    static final int MAX_DEPTH = 64;
    /** Operators chain left-deep (a OR b OR c ...), so their count bounds the evaluation depth too. */
    static final int MAX_OPERATORS = 1000;

    private final String text;
    private final Dialect dialect;
    private int pos;
    private int depth;
    private int operators;
    /** The current token. */
    private Kind kind;
    private String token;
    private Object value;
    private int tokenStart;

    private enum Kind { IDENT, FIELD, STRING, NUMBER, SYMBOL, END }

    private SelectorParser(String text, Dialect dialect) {
        this.text = text;
        this.dialect = dialect;
    }

    /** Parses {@code text}; throws with a message naming the problem and its position. */
    static Expression parse(String text, Dialect dialect) throws SelectorSyntaxException {
        if (text.length() > MAX_LENGTH) {
            throw new SelectorSyntaxException("expression longer than " + MAX_LENGTH + " characters");
        }
        SelectorParser parser = new SelectorParser(text, dialect);
        try {
            parser.next();
            Expression e = parser.expression();
            if (parser.kind != Kind.END) {
                throw parser.error("unexpected '" + parser.token + "'");
            }
            return e;
        } catch (IllegalArgumentException e) {
            throw new SelectorSyntaxException(e.getMessage() + " (at position " + parser.tokenStart + ")");
        }
    }

    // ---- grammar -------------------------------------------------------------------------------------

    private Expression expression() throws SelectorSyntaxException {
        if (++depth > MAX_DEPTH) {
            throw error("expression nested deeper than " + MAX_DEPTH);
        }
        Expression left = and();
        while (keyword("OR")) {
            next();
            left = new Or(left, and());
            counted();
        }
        depth--;
        return left;
    }

    private Expression and() throws SelectorSyntaxException {
        Expression left = not();
        while (keyword("AND")) {
            next();
            left = new And(left, not());
            counted();
        }
        return left;
    }

    private Expression not() throws SelectorSyntaxException {
        if (keyword("NOT")) {
            next();
            if (++depth > MAX_DEPTH) {
                throw error("expression nested deeper than " + MAX_DEPTH);
            }
            Expression operand = not();
            depth--;
            return new Not(operand);
        }
        return predicate();
    }

    private Expression predicate() throws SelectorSyntaxException {
        Expression left = sum();
        if (kind == Kind.SYMBOL) {
            CompareOp op = switch (token) {
                case "=" -> CompareOp.EQ;
                case "<>", "!=" -> CompareOp.NE;
                case "<" -> CompareOp.LT;
                case "<=" -> CompareOp.LE;
                case ">" -> CompareOp.GT;
                case ">=" -> CompareOp.GE;
                default -> null;
            };
            if (op != null) {
                next();
                return new Compare(op, left, sum());
            }
            return left;
        }
        if (keyword("IS")) {
            next();
            boolean negated = keyword("NOT");
            if (negated) {
                next();
            }
            expectKeyword("NULL");
            Expression isNull = new IsNull(left);
            return negated ? new Not(isNull) : isNull;
        }
        boolean negated = false;
        if (keyword("NOT")) {
            negated = true;
            next();
        }
        Expression result;
        if (keyword("BETWEEN")) {
            next();
            Expression low = sum();
            expectKeyword("AND");
            result = new Between(left, low, sum());
        } else if (keyword("IN")) {
            next();
            result = new In(left, inList());
        } else if (keyword("LIKE")) {
            next();
            String pattern = stringLiteral("a LIKE pattern");
            Character escape = null;
            if (keyword("ESCAPE")) {
                next();
                String e = stringLiteral("an ESCAPE character");
                if (e.length() != 1) {
                    throw error("ESCAPE takes exactly one character, not '" + e + "'");
                }
                escape = e.charAt(0);
            }
            result = new Like(left, new LikePattern(pattern, escape));
        } else if (negated) {
            throw error("NOT must be followed by BETWEEN, IN or LIKE here");
        } else {
            return left;
        }
        return negated ? new Not(result) : result;
    }

    private List<Object> inList() throws SelectorSyntaxException {
        expectSymbol("(");
        List<Object> values = new ArrayList<>();
        do {
            if (kind == Kind.SYMBOL && token.equals(",")) {
                next();
            }
            boolean minus = kind == Kind.SYMBOL && token.equals("-");
            if (minus) {
                next();
            }
            if (kind == Kind.STRING && !minus) {
                values.add(value);
            } else if (kind == Kind.NUMBER) {
                values.add(minus ? negate(value) : value);
            } else {
                throw error("IN takes a list of literals, found '" + token + "'");
            }
            next();
        } while (kind == Kind.SYMBOL && token.equals(","));
        expectSymbol(")");
        return List.copyOf(values);
    }

    private Expression sum() throws SelectorSyntaxException {
        Expression left = product();
        while (kind == Kind.SYMBOL && (token.equals("+") || token.equals("-"))) {
            ArithOp op = token.equals("+") ? ArithOp.ADD : ArithOp.SUB;
            next();
            left = new Arith(op, left, product());
            counted();
        }
        return left;
    }

    private Expression product() throws SelectorSyntaxException {
        Expression left = unary();
        while (kind == Kind.SYMBOL && (token.equals("*") || token.equals("/") || token.equals("%"))) {
            ArithOp op = token.equals("*") ? ArithOp.MUL : token.equals("/") ? ArithOp.DIV : ArithOp.MOD;
            next();
            left = new Arith(op, left, unary());
            counted();
        }
        return left;
    }

    private Expression unary() throws SelectorSyntaxException {
        if (++depth > MAX_DEPTH) {
            throw error("expression nested deeper than " + MAX_DEPTH);
        }
        try {
            switch (kind) {
                case SYMBOL -> {
                    if (token.equals("-")) {
                        next();
                        if (kind == Kind.NUMBER) {
                            Object v = negate(value);
                            next();
                            return new Literal(v);
                        }
                        return new Negate(unary());
                    }
                    if (token.equals("+")) {
                        next();
                        return unary();
                    }
                    if (token.equals("(")) {
                        next();
                        Expression inner = expression();
                        expectSymbol(")");
                        return inner;
                    }
                    throw error("unexpected '" + token + "'");
                }
                case STRING, NUMBER -> {
                    Object v = value;
                    next();
                    return new Literal(v);
                }
                case FIELD -> {
                    Field f = (Field) value;
                    next();
                    return new Read(f);
                }
                case IDENT -> {
                    String upper = token.toUpperCase(Locale.ROOT);
                    if (upper.equals("TRUE") || upper.equals("FALSE")) {
                        next();
                        return new Literal(upper.equals("TRUE"));
                    }
                    if (isReserved(upper)) {
                        throw error("unexpected keyword " + upper);
                    }
                    Field f = bareField(token);
                    next();
                    return new Read(f);
                }
                default -> throw error("unexpected end of expression");
            }
        } finally {
            depth--;
        }
    }

    private void counted() throws SelectorSyntaxException {
        if (++operators > MAX_OPERATORS) {
            throw error("more than " + MAX_OPERATORS + " operators");
        }
    }

    private Field bareField(String name) {
        if (dialect == Dialect.JMS && name.startsWith("JMS")) {
            if (!Field.JMS_FIELDS.contains(name)) {
                // JMS reserves the JMS prefix; unknown JMS... names are application properties in Qpid JMS too.
                return new Field(Field.Section.APPLICATION, name);
            }
            return new Field(Field.Section.JMS, name);
        }
        return new Field(Field.Section.APPLICATION, name);
    }

    private static boolean isReserved(String upper) {
        return switch (upper) {
            case "AND", "OR", "NOT", "BETWEEN", "LIKE", "ESCAPE", "IN", "IS", "NULL" -> true;
            default -> false;
        };
    }

    private static Object negate(Object number) {
        return number instanceof Long l ? (Object) (-l) : (Object) (-(Double) number);
    }

    // ---- tokens --------------------------------------------------------------------------------------

    private boolean keyword(String word) {
        return kind == Kind.IDENT && token.equalsIgnoreCase(word);
    }

    private void expectKeyword(String word) throws SelectorSyntaxException {
        if (!keyword(word)) {
            throw error("expected " + word + ", found '" + token + "'");
        }
        next();
    }

    private void expectSymbol(String symbol) throws SelectorSyntaxException {
        if (kind != Kind.SYMBOL || !token.equals(symbol)) {
            throw error("expected '" + symbol + "', found '" + token + "'");
        }
        next();
    }

    private String stringLiteral(String what) throws SelectorSyntaxException {
        if (kind != Kind.STRING) {
            throw error("expected " + what + " (a quoted string), found '" + token + "'");
        }
        String s = (String) value;
        next();
        return s;
    }

    private SelectorSyntaxException error(String message) {
        return new SelectorSyntaxException(message + " (at position " + tokenStart + ")");
    }

    private void next() throws SelectorSyntaxException {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        tokenStart = pos;
        value = null;
        if (pos >= text.length()) {
            kind = Kind.END;
            token = "end of expression";
            return;
        }
        char c = text.charAt(pos);
        if (c == '\'') {
            readString();
        } else if (Character.isDigit(c) || (c == '.' && pos + 1 < text.length()
                && Character.isDigit(text.charAt(pos + 1)))) {
            readNumber();
        } else if (Character.isJavaIdentifierStart(c)) {
            readIdentifier();
        } else {
            kind = Kind.SYMBOL;
            String two = pos + 1 < text.length() ? text.substring(pos, pos + 2) : "";
            if (two.equals("<>") || two.equals("<=") || two.equals(">=") || two.equals("!=")) {
                token = two;
                pos += 2;
            } else if ("=<>+-*/%(),".indexOf(c) >= 0) {
                token = String.valueOf(c);
                pos++;
            } else {
                throw error("unexpected character '" + c + "'");
            }
        }
    }

    private void readString() throws SelectorSyntaxException {
        StringBuilder s = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= text.length()) {
                throw error("string literal not closed");
            }
            char c = text.charAt(pos++);
            if (c == '\'') {
                if (pos < text.length() && text.charAt(pos) == '\'') {
                    s.append('\'');
                    pos++;
                } else {
                    break;
                }
            } else {
                s.append(c);
            }
        }
        kind = Kind.STRING;
        value = s.toString();
        token = "'" + s + "'";
    }

    private void readNumber() throws SelectorSyntaxException {
        int start = pos;
        boolean decimal = false;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos < text.length() && text.charAt(pos) == '.') {
            decimal = true;
            pos++;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            int mark = pos;
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                decimal = true;
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = mark;
            }
        }
        String digits = text.substring(start, pos);
        if (pos < text.length() && "lLfFdD".indexOf(text.charAt(pos)) >= 0) {
            decimal |= "fFdD".indexOf(text.charAt(pos)) >= 0;
            pos++;
        }
        if (pos < text.length() && Character.isJavaIdentifierPart(text.charAt(pos))) {
            throw error("malformed number '" + text.substring(start, pos + 1) + "'");
        }
        kind = Kind.NUMBER;
        token = digits;
        try {
            value = decimal ? (Object) Double.parseDouble(digits) : (Object) Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw error("number out of range: " + digits);
        }
        if (value instanceof Double d && d.isInfinite()) {
            throw error("number out of range: " + digits);
        }
    }

    private void readIdentifier() throws SelectorSyntaxException {
        int start = pos;
        while (pos < text.length() && Character.isJavaIdentifierPart(text.charAt(pos))) {
            pos++;
        }
        token = text.substring(start, pos);
        kind = Kind.IDENT;
        if (dialect == Dialect.SQL && pos < text.length() && text.charAt(pos) == '.' && Field.isPrefix(token)) {
            pos++;
            int nameStart = pos;
            boolean hyphens = !token.equalsIgnoreCase("a") && !token.equalsIgnoreCase("application_properties");
            while (pos < text.length() && (Character.isJavaIdentifierPart(text.charAt(pos))
                    || (hyphens && text.charAt(pos) == '-'))) {
                pos++;
            }
            String name = text.substring(nameStart, pos);
            if (name.isEmpty()) {
                throw error("a field name must follow '" + token + ".'");
            }
            value = Field.prefixed(token, name);
            token = token + "." + name;
            kind = Kind.FIELD;
        }
    }
}
