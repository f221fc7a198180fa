package io.wharf.amqp.filter;

/**
 * A LIKE pattern: {@code %} any run of characters, {@code _} exactly one, the escape character (when given) makes
 * the next character literal. Matched by a linear two-pointer walk that backtracks only to the last {@code %}
 * (no regular expressions, so no pattern can make matching blow up).
 */
final class LikePattern {

    private static final byte LITERAL = 0;
    private static final byte ANY_RUN = 1;
    private static final byte ANY_ONE = 2;

    private final String source;
    private final char[] chars;
    private final byte[] kinds;

    /**
     * @param escape the ESCAPE character, or null
     * @throws IllegalArgumentException when the escape character ends the pattern
     */
    LikePattern(String pattern, Character escape) {
        this.source = pattern;
        StringBuilder text = new StringBuilder();
        java.io.ByteArrayOutputStream kind = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (escape != null && c == escape) {
                if (i + 1 >= pattern.length()) {
                    throw new IllegalArgumentException("LIKE pattern '" + pattern + "' ends with its escape character");
                }
                text.append(pattern.charAt(++i));
                kind.write(LITERAL);
            } else {
                text.append(c);
                kind.write(c == '%' ? ANY_RUN : c == '_' ? ANY_ONE : LITERAL);
            }
        }
        chars = text.toString().toCharArray();
        kinds = kind.toByteArray();
    }

    boolean matches(String s) {
        int n = chars.length;
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < s.length()) {
            if (p < n && (kinds[p] == ANY_ONE || (kinds[p] == LITERAL && chars[p] == s.charAt(t)))) {
                p++;
                t++;
            } else if (p < n && kinds[p] == ANY_RUN) {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < n && kinds[p] == ANY_RUN) {
            p++;
        }
        return p == n;
    }

    @Override
    public String toString() {
        return source;
    }
}
