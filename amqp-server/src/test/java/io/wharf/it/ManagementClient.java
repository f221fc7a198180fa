package io.wharf.it;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.DeliveryMode;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.ReceiverOptions;
import org.apache.qpid.protonj2.client.Sender;
import org.apache.qpid.protonj2.client.SenderOptions;
import org.apache.qpid.protonj2.client.Session;

/**
 * The management link pair driven by hand with the Qpid protonj2 client: one request, one response, for resources
 * the RabbitMQ client has no API for (virtual hosts) and for checking the wire format itself.
 */
final class ManagementClient implements AutoCloseable {

    /** A response: its status code (from subject) and body. */
    record Response(int status, Object body) {
    }

    private final Session session;
    private final Sender requests;
    private final Receiver responses;

    ManagementClient(Connection connection) throws Exception {
        session = connection.openSession();
        Map<String, Object> paired = Map.of("paired", true);
        requests = session.openSender("/management", new SenderOptions().linkName("management-link-pair")
                .deliveryMode(DeliveryMode.AT_MOST_ONCE).properties(paired));
        responses = session.openReceiver("/management", new ReceiverOptions().linkName("management-link-pair")
                .deliveryMode(DeliveryMode.AT_MOST_ONCE).properties(paired));
        requests.openFuture().get(10, TimeUnit.SECONDS);
        responses.openFuture().get(10, TimeUnit.SECONDS);
    }

    Response call(String method, String path, Object body) throws Exception {
        UUID id = UUID.randomUUID();
        Message<Object> request = Message.create(body).messageId(id).to(path).subject(method).replyTo("$me");
        requests.send(request);
        Delivery delivery = responses.receive(10, TimeUnit.SECONDS);
        if (delivery == null) {
            throw new AssertionError("no response to " + method + " " + path);
        }
        Message<Object> response = delivery.message();
        if (!id.equals(response.correlationId())) {
            throw new AssertionError("response correlated to " + response.correlationId() + ", not " + id);
        }
        return new Response(Integer.parseInt(response.subject()), response.body());
    }

    @Override
    public void close() {
        session.close();
    }
}
