package io.wharf.amqp.filter;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;

/** Encoded test messages, built with proton-j's Message API. */
final class Messages {

    private Messages() {
    }

    static Message message(Map<String, Object> applicationProperties) {
        Message m = Message.Factory.create();
        if (applicationProperties != null) {
            m.setApplicationProperties(new ApplicationProperties(applicationProperties));
        }
        m.setBody(new AmqpValue("body"));
        return m;
    }

    static Message tagged(String tag) {
        Message m = message(null);
        if (tag != null) {
            m.setMessageAnnotations(new MessageAnnotations(Map.of(Symbol.valueOf("x-stream-filter-value"), tag)));
        }
        return m;
    }

    static ByteBuffer encode(Message message) {
        byte[] out = new byte[1 << 16];
        int n = message.encode(out, 0, out.length);
        return ByteBuffer.wrap(Arrays.copyOf(out, n));
    }
}
