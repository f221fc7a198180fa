package io.wharf.amqp.address;

import io.wharf.amqp.message.MessageView;
import io.wharf.exchange.MessageHeaders;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.UnsignedShort;

/**
 * A message's application properties as the headers exchange sees them, decoded one at a time on demand. AMQP
 * types become plain Java ones so they compare with binding arguments: symbols as strings, unsigned integers as
 * longs (an unsigned long past {@link Long#MAX_VALUE} stays as it is and equals nothing).
 */
public final class ApplicationPropertyHeaders implements MessageHeaders {

    private final MessageView message;

    public ApplicationPropertyHeaders(MessageView message) {
        this.message = message;
    }

    @Override
    public Object get(String name) {
        Object value;
        try {
            value = message.applicationProperty(name);
        } catch (RuntimeException e) {
            // a malformed application-properties section: no headers to match
            return null;
        }
        if (value instanceof Symbol symbol) {
            return symbol.toString();
        }
        if (value instanceof UnsignedInteger || value instanceof UnsignedShort || value instanceof UnsignedByte) {
            return ((Number) value).longValue();
        }
        if (value instanceof UnsignedLong ul && ul.longValue() >= 0) {
            return ul.longValue();
        }
        return value;
    }
}
