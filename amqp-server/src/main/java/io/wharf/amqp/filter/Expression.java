package io.wharf.amqp.filter;

import java.util.List;

/**
 * A parsed selector / SQL filter expression. {@link #evaluate} answers one of: {@code Boolean}, {@code Long},
 * {@code Double}, {@code String}, or null for SQL's unknown (a missing value, a type mismatch, an arithmetic
 * error). Logic is SQL-92 three-valued: unknown AND false is false, unknown OR true is true, NOT unknown is
 * unknown; a message is selected only when the whole expression is {@code TRUE}. Evaluation never throws.
 */
sealed interface Expression {

    Object evaluate(Values message);

    /** Where an expression's fields come from. */
    interface Values {
        /** The field's value as Boolean, Long, Double or String; null when absent or of another type. */
        Object get(Field field);
    }

    record Literal(Object value) implements Expression {
        @Override
        public Object evaluate(Values message) {
            return value;
        }
    }

    record Read(Field field) implements Expression {
        @Override
        public Object evaluate(Values message) {
            return message.get(field);
        }
    }

    record Not(Expression operand) implements Expression {
        @Override
        public Object evaluate(Values message) {
            Object v = operand.evaluate(message);
            return v instanceof Boolean b ? !b : null;
        }
    }

    record And(Expression left, Expression right) implements Expression {
        @Override
        public Object evaluate(Values message) {
            Object l = left.evaluate(message);
            if (Boolean.FALSE.equals(l)) {
                return false;
            }
            Object r = right.evaluate(message);
            if (Boolean.FALSE.equals(r)) {
                return false;
            }
            return Boolean.TRUE.equals(l) && Boolean.TRUE.equals(r) ? Boolean.TRUE : null;
        }
    }

    record Or(Expression left, Expression right) implements Expression {
        @Override
        public Object evaluate(Values message) {
            Object l = left.evaluate(message);
            if (Boolean.TRUE.equals(l)) {
                return true;
            }
            Object r = right.evaluate(message);
            if (Boolean.TRUE.equals(r)) {
                return true;
            }
            return Boolean.FALSE.equals(l) && Boolean.FALSE.equals(r) ? Boolean.FALSE : null;
        }
    }

    enum CompareOp { EQ, NE, LT, LE, GT, GE }

    record Compare(CompareOp op, Expression left, Expression right) implements Expression {
        @Override
        public Object evaluate(Values message) {
            return compare(op, left.evaluate(message), right.evaluate(message));
        }

        static Boolean compare(CompareOp op, Object l, Object r) {
            if (l == null || r == null) {
                return null;
            }
            int c;
            if (l instanceof Number a && r instanceof Number b) {
                c = a instanceof Long x && b instanceof Long y ? Long.compare(x, y)
                        : Double.compare(a.doubleValue(), b.doubleValue());
                if (!(a instanceof Long && b instanceof Long) && (Double.isNaN(a.doubleValue())
                        || Double.isNaN(b.doubleValue()))) {
                    return op == CompareOp.NE;
                }
            } else if (l instanceof String a && r instanceof String b) {
                c = a.compareTo(b);
            } else if (l instanceof Boolean a && r instanceof Boolean b) {
                if (op != CompareOp.EQ && op != CompareOp.NE) {
                    return null;
                }
                c = a.equals(b) ? 0 : 1;
            } else {
                return null;
            }
            return switch (op) {
                case EQ -> c == 0;
                case NE -> c != 0;
                case LT -> c < 0;
                case LE -> c <= 0;
                case GT -> c > 0;
                case GE -> c >= 0;
            };
        }
    }

    enum ArithOp { ADD, SUB, MUL, DIV, MOD }

    record Arith(ArithOp op, Expression left, Expression right) implements Expression {
        @Override
        public Object evaluate(Values message) {
            Object l = left.evaluate(message);
            Object r = right.evaluate(message);
            if (!(l instanceof Number a) || !(r instanceof Number b)) {
                return null;
            }
            if (a instanceof Long x && b instanceof Long y) {
                try {
                    return switch (op) {
                        case ADD -> Math.addExact(x, y);
                        case SUB -> Math.subtractExact(x, y);
                        case MUL -> Math.multiplyExact(x, y);
                        case DIV -> y == 0 ? null : x / y;
                        case MOD -> y == 0 ? null : x % y;
                    };
                } catch (ArithmeticException overflow) {
                    return null;
                }
            }
            double x = a.doubleValue();
            double y = b.doubleValue();
            double result = switch (op) {
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                case DIV -> x / y;
                case MOD -> x % y;
            };
            return Double.isFinite(result) ? result : null;
        }
    }

    record Negate(Expression operand) implements Expression {
        @Override
        public Object evaluate(Values message) {
            Object v = operand.evaluate(message);
            if (v instanceof Long x) {
                return x == Long.MIN_VALUE ? null : -x;
            }
            return v instanceof Double d ? -d : null;
        }
    }

    record Between(Expression value, Expression low, Expression high) implements Expression {
        @Override
        public Object evaluate(Values message) {
            Object v = value.evaluate(message);
            Boolean atLeast = Compare.compare(CompareOp.GE, v, low.evaluate(message));
            Boolean atMost = Compare.compare(CompareOp.LE, v, high.evaluate(message));
            if (Boolean.FALSE.equals(atLeast) || Boolean.FALSE.equals(atMost)) {
                return false;
            }
            return atLeast == null || atMost == null ? null : Boolean.TRUE;
        }
    }

    record In(Expression value, List<Object> candidates) implements Expression {
        @Override
        public Object evaluate(Values message) {
            Object v = value.evaluate(message);
            if (v == null) {
                return null;
            }
            boolean unknown = false;
            for (Object candidate : candidates) {
                Boolean eq = Compare.compare(CompareOp.EQ, v, candidate);
                if (Boolean.TRUE.equals(eq)) {
                    return true;
                }
                unknown |= eq == null;
            }
            return unknown ? null : Boolean.FALSE;
        }
    }

    record Like(Expression value, LikePattern pattern) implements Expression {
        @Override
        public Object evaluate(Values message) {
            Object v = value.evaluate(message);
            return v instanceof String s ? pattern.matches(s) : null;
        }
    }

    record IsNull(Expression value) implements Expression {
        @Override
        public Object evaluate(Values message) {
            return value.evaluate(message) == null;
        }
    }

    /** True only when {@code e} evaluates to TRUE; unknown and non-boolean results are false. */
    static boolean selects(Expression e, Values message) {
        try {
            return Boolean.TRUE.equals(e.evaluate(message));
        } catch (RuntimeException | StackOverflowError unexpected) {
            // An evaluation error counts as false; nothing may escape into the broker. (The parser bounds nesting
            // and operator count, so the stack should never run out; this is the last line.)
            return false;
        }
    }
}
