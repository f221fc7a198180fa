package io.wharf.amqp.engine;

import io.wharf.plugin.AuthorizationProvider.Access;
import io.wharf.plugin.AuthorizationProvider.Resource;
import io.wharf.amqp.management.ManagementApi;
import io.wharf.amqp.management.ManagementPermissions;
import io.wharf.amqp.management.ManagementRequest;
import io.wharf.amqp.management.ManagementResponse;
import java.nio.BufferOverflowException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ 4 management link pair (AMQP Link Pair CS01, HTTP over AMQP): a client's sender and receiver on
 * {@code /management}, both named {@code management-link-pair} (any name works; the pair is matched by session and
 * name, one link of each role). Requests arrive on our receiver, go to {@link ManagementApi} (which runs them on the
 * topology thread), and the answers go back presettled on our sender, queued while the client gives no credit.
 * Event-loop confined, like every proton-j object of the connection.
 */
final class ManagementLinkPair {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementLinkPair.class);
    static final String ADDRESS = "/management";
    private static final Symbol PAIRED = Symbol.valueOf("paired");
    private static final int REQUEST_CREDIT = 100;
    private static final int MAX_REQUEST_BYTES = 1 << 20;

    private final AmqpConnectionHandler connection;
    private final Session session;
    private final String name;
    private Receiver requests;
    private Sender responses;
    private final ArrayDeque<byte[]> unsent = new ArrayDeque<>();
    private byte[] partial = new byte[0];
    private int partialLength;
    private long nextTag;

    private ManagementLinkPair(AmqpConnectionHandler connection, Session session, String name) {
        this.connection = connection;
        this.session = session;
        this.name = name;
    }

    /** Whether a client's attach is for the management node. */
    static boolean isManagementLink(Link link) {
        if (link instanceof Receiver) {
            return link.getRemoteTarget() instanceof Target t && ADDRESS.equals(t.getAddress());
        }
        return link.getRemoteSource() instanceof Source s && ADDRESS.equals(s.getAddress());
    }

    /**
     * Answers the attach of one half of a pair, joining the other half when it is already attached in the same
     * session under the same name.
     */
    static void attach(AmqpConnectionHandler connection, Link link) {
        ManagementLinkPair pair = null;
        for (ManagementLinkPair p : connection.managementPairs()) {
            if (p.session == link.getSession() && p.name.equals(link.getName())
                    && (link instanceof Receiver ? p.requests == null : p.responses == null)) {
                pair = p;
                break;
            }
        }
        if (pair == null) {
            pair = new ManagementLinkPair(connection, link.getSession(), link.getName());
            connection.managementPairs().add(pair);
        }
        link.setContext(pair);
        link.setSource(link.getRemoteSource());
        link.setTarget(link.getRemoteTarget());
        link.setProperties(Map.of(PAIRED, Boolean.TRUE));
        link.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        if (link instanceof Receiver receiver) {
            pair.requests = receiver;
            receiver.setSenderSettleMode(receiver.getRemoteSenderSettleMode());
            receiver.open();
            receiver.flow(REQUEST_CREDIT);
        } else {
            pair.responses = (Sender) link;
            pair.responses.setSenderSettleMode(SenderSettleMode.SETTLED);
            pair.responses.open();
        }
    }

    /** A (part of a) request arrived on our receiver. */
    void onDelivery(Delivery delivery) {
        if (delivery.getLink() != requests) {
            // a disposition on our presettled responses: nothing to do
            return;
        }
        int pending = delivery.pending();
        if (pending > 0) {
            if ((long) partialLength + pending > MAX_REQUEST_BYTES) {
                requests.setCondition(new ErrorCondition(AmqpError.RESOURCE_LIMIT_EXCEEDED,
                        "management requests are limited to " + MAX_REQUEST_BYTES + " bytes"));
                requests.close();
                return;
            }
            if (partial.length < partialLength + pending) {
                partial = Arrays.copyOf(partial, Math.max(partialLength + pending, partial.length * 2));
            }
            partialLength += requests.recv(partial, partialLength, pending);
        }
        if (delivery.isPartial()) {
            return;
        }
        requests.advance();
        byte[] bytes = partial;
        int length = partialLength;
        partial = new byte[0];
        partialLength = 0;
        if (!delivery.remotelySettled()) {
            delivery.disposition(org.apache.qpid.proton.amqp.messaging.Accepted.getInstance());
        }
        delivery.settle();
        if (requests.getCredit() < REQUEST_CREDIT / 2) {
            requests.flow(REQUEST_CREDIT - requests.getCredit());
        }
        handle(bytes, length);
    }

    private void handle(byte[] bytes, int length) {
        Message message = Message.Factory.create();
        ManagementRequest request;
        try {
            message.decode(bytes, 0, length);
            Object body = message.getBody() instanceof AmqpValue value ? value.getValue() : null;
            request = new ManagementRequest(message.getMessageId(), message.getSubject(), message.getAddress(), body);
        } catch (RuntimeException e) {
            respond(message.getMessageId(), new ManagementResponse(400, "malformed management request: " + e));
            return;
        }
        String denied = ManagementPermissions.check(connection.context().security().access(), connection.user(),
                connection.vhostName(), request);
        if (denied != null) {
            respond(request.messageId(), ManagementResponse.error(403, denied));
            return;
        }
        ManagementApi api = connection.managementApi();
        String user = connection.user();
        ManagementApi.Caller caller = new ManagementApi.Caller() {
            @Override
            public void exclusiveQueueDeclared(String queueName) {
                connection.exclusiveQueueDeclared(queueName);
            }

            @Override
            public String refusal(Access access, Resource kind, String name) {
                return Interception.refusal(connection, access, kind, name);
            }
        };
        api.handle(request, caller).whenComplete((response, error) -> {
            if (error == null) {
                ManagementPermissions.created(connection.context().security().access(), user, request, response);
            }
            connection.runOnLoop(() -> respond(request.messageId(), error == null ? response
                        : new ManagementResponse(500, "internal error: " + error)));
        });
    }

    private void respond(Object correlationId, ManagementResponse response) {
        Message message = Message.Factory.create();
        Properties properties = new Properties();
        properties.setCorrelationId(correlationId);
        properties.setSubject(Integer.toString(response.status()));
        message.setProperties(properties);
        message.setApplicationProperties(new ApplicationProperties(Map.of("http:response", "1.1")));
        message.setBody(new AmqpValue(response.body()));
        byte[] buffer = new byte[512];
        int size;
        while (true) {
            try {
                size = message.encode(buffer, 0, buffer.length);
                break;
            } catch (BufferOverflowException e) {
                buffer = new byte[buffer.length * 4];
            }
        }
        unsent.add(Arrays.copyOf(buffer, size));
        sendUnsent();
    }

    /** The client gave credit on our sender. */
    void onFlow() {
        sendUnsent();
    }

    private void sendUnsent() {
        Sender sender = responses;
        if (sender == null || sender.getLocalState() != EndpointState.ACTIVE) {
            return;
        }
        while (!unsent.isEmpty() && sender.getCredit() > 0) {
            byte[] bytes = unsent.poll();
            Delivery delivery = sender.delivery(UnsignedLong.valueOf(nextTag++).toString().getBytes());
            sender.send(bytes, 0, bytes.length);
            sender.advance();
            delivery.settle();
        }
        if (!unsent.isEmpty() && unsent.size() % 1000 == 0) {
            LOG.warn("Connection {}: {} management responses wait for credit on link '{}'",
                    connection.connectionId(), unsent.size(), name);
        }
    }

    /** One half detached or closed: forget it; the pair goes with its second half. */
    void closed(Link link) {
        if (link == requests) {
            requests = null;
        } else if (link == responses) {
            responses = null;
            unsent.clear();
        }
        if (requests == null && responses == null) {
            connection.managementPairs().remove(this);
        }
    }

    Session session() {
        return session;
    }
}
