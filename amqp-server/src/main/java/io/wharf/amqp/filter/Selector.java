package io.wharf.amqp.filter;

import io.wharf.amqp.message.MessageView;

/**
 * A JMS selector or an AMQP SQL filter expression, parsed once at attach and evaluated per message. A message is
 * selected only when the expression is TRUE; unknown (missing fields, type mismatches) and evaluation errors are
 * not selected.
 */
public final class Selector implements MessagePredicate {

    private final String text;
    private final Expression expression;

    private Selector(String text, Expression expression) {
        this.text = text;
        this.expression = expression;
    }

    /**
     * @throws SelectorSyntaxException when {@code text} is not a valid expression of {@code dialect}
     */
    public static Selector parse(String text, SelectorParser.Dialect dialect) throws SelectorSyntaxException {
        return new Selector(text, SelectorParser.parse(text, dialect));
    }

    @Override
    public boolean test(MessageView message) {
        return Expression.selects(expression, new MessageFields(message));
    }

    Expression expression() {
        return expression;
    }

    @Override
    public String toString() {
        return text;
    }
}
