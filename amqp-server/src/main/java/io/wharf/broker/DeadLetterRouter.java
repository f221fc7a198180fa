package io.wharf.broker;

import io.wharf.amqp.address.ApplicationPropertyHeaders;
import io.wharf.amqp.message.DeathAnnotations;
import io.wharf.amqp.message.MalformedMessageException;
import io.wharf.amqp.message.MessageView;
import io.wharf.exchange.Exchange;
import io.wharf.exchange.RoutedQueues;
import io.wharf.exchange.Topology;
import io.wharf.store.queue.DeadLetters;
import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.QueueArguments;
import io.wharf.store.queue.QueueDefinition;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letters messages of one virtual host's queues: adds the death annotations ({@link DeathAnnotations}) and
 * routes the message through the queue's {@code x-dead-letter-exchange} with its {@code x-dead-letter-routing-key}
 * (or the routing key it came with, else its subject, else the queue's name). Runs on the dying queue's thread;
 * the target queues store the new message on theirs. As in RabbitMQ's default, dead-lettering is at-most-once: the
 * source queue drops the message once it is handed over.
 */
final class DeadLetterRouter implements DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRouter.class);
    /** Annotation carrying the routing key a message was published with, when a client or broker set it. */
    private static final String ROUTING_KEY = "x-routing-key";
    private static final String EXCHANGE = "x-exchange";

    private final Topology topology;
    /** Problems already logged, so each distinct one is logged once, not once per message. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    DeadLetterRouter(Topology topology) {
        this.topology = topology;
    }

    @Override
    public void deadLetter(QueueDefinition queue, ByteBuffer payload, Reason reason, long deliveryCount) {
        QueueArguments arguments = QueueArguments.from(queue.arguments());
        Exchange exchange = topology.exchange(arguments.deadLetterExchange());
        if (exchange == null) {
            once("no-exchange:" + queue.name() + ":" + arguments.deadLetterExchange(), "Queue '{}': dead-letter "
                    + "exchange '{}' does not exist; dead-lettered messages are dropped", queue.name(),
                    arguments.deadLetterExchange());
            return;
        }
        MessageView view;
        try {
            view = MessageView.parse(payload);
        } catch (MalformedMessageException e) {
            once("malformed:" + queue.name(), "Queue '{}': a stored message could not be read to dead-letter it; "
                    + "dropped ({})", queue.name(), e.getMessage());
            return;
        }
        Map<String, Object> annotations = view.messageAnnotations();
        String originalKey = text(annotations.get(ROUTING_KEY));
        if (originalKey == null) {
            originalKey = view.subject() != null ? view.subject() : queue.name();
        }
        String routingKey = arguments.deadLetterRoutingKey() != null ? arguments.deadLetterRoutingKey() : originalKey;
        String publishedTo = text(annotations.get(EXCHANGE));
        Map<String, Object> deaths = DeathAnnotations.died(annotations, queue.name(), reason.wireName(),
                publishedTo == null ? "" : publishedTo, List.of(originalKey), System.currentTimeMillis());

        RoutedQueues targets = new RoutedQueues();
        topology.route(exchange, routingKey, new ApplicationPropertyHeaders(view), targets);
        if (targets.isEmpty()) {
            return;
        }
        // A new life in the next queue: first delivery again, the old TTL dropped so it does not expire at once.
        ByteBuffer[] parts = view.withDeliveryState(0, true, deaths);
        int size = 0;
        for (ByteBuffer part : parts) {
            size += part.remaining();
        }
        ByteBuffer message = ByteBuffer.allocate(size);
        for (ByteBuffer part : parts) {
            message.put(part.duplicate());
        }
        message.flip();
        MessageHeader header = new MessageHeader(0, 0, view.priority(), 0, view.durable());
        for (MessageQueue target : targets.toList()) {
            if (target.name().equals(queue.name()) && reason != Reason.REJECTED) {
                // RabbitMQ's cycle rule: a message that would come back to the same queue without a client ever
                // rejecting it would cycle forever.
                once("cycle:" + queue.name(), "Queue '{}': dead-lettering back into itself ({}) would cycle; "
                        + "dropped", queue.name(), reason.wireName());
                continue;
            }
            target.enqueue(header, message.duplicate()).whenComplete((ok, error) -> {
                if (error != null) {
                    once("store:" + target.name() + ":" + error.getClass().getName(), "Dead-lettered message not "
                            + "stored in '{}': {}", target.name(), error.toString());
                }
            });
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private void once(String key, String format, Object... args) {
        if (reported.add(key)) {
            LOG.warn(format, args);
        }
    }
}
