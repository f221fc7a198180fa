package io.wharf.plugin.tracing;

import io.wharf.plugin.ConnectionInfo;
import io.wharf.plugin.InterceptedMessage;
import io.wharf.plugin.MessageInterceptor;
import io.wharf.plugin.PluginMessaging;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Copies matching messages to the trace exchange, as RabbitMQ's firehose does: when routed, with routing key
 * {@code publish.<exchange>} ({@code amq.default} for the default exchange); when delivered, with
 * {@code deliver.<queue>}. The copy is the message as it was, plus message annotations saying what happened:
 *
 * <pre>
 * x-opt-trace-event        publish | deliver
 * x-opt-trace-vhost        the vhost
 * x-opt-trace-connection   the connection id;  x-opt-trace-user: its user
 * x-opt-trace-time         when (timestamp)
 * publish: x-opt-trace-exchange, x-opt-trace-routing-key, x-opt-trace-routed-queues (list of queue names)
 * deliver: x-opt-trace-queue, x-opt-trace-link, x-opt-trace-delivery-count, x-opt-trace-redelivered
 * </pre>
 *
 * Trace copies themselves are never traced (they carry {@code x-opt-trace-event}), nor is anything published to the
 * trace exchange. Runs inline on the broker's network threads: it only filters and hands the copy to
 * {@link PluginMessaging#publishCopy}, which does not block.
 */
final class TraceInterceptor implements MessageInterceptor {

    static final String EVENT = "x-opt-trace-event";
    private static final Logger LOG = Logger.getLogger(TraceInterceptor.class.getName());
    private static final String DEFAULT_EXCHANGE = "amq.default";

    private final TraceSettings settings;
    private final PluginMessaging messaging;
    private final AtomicBoolean copyFailureLogged = new AtomicBoolean();

    TraceInterceptor(TraceSettings settings, PluginMessaging messaging) {
        this.settings = settings;
        this.messaging = messaging;
    }

    @Override
    public void onRoute(Route route) {
        String exchange = route.exchange().isEmpty() ? DEFAULT_EXCHANGE : route.exchange();
        if (!settings.publish() || exchange.equals(settings.exchange()) || !traced(route.connection(),
                route.message()) || !TraceSettings.any(settings.exchanges(), exchange)) {
            return;
        }
        Map<String, Object> annotations = common("publish", route.connection());
        annotations.put("x-opt-trace-exchange", exchange);
        annotations.put("x-opt-trace-routing-key", route.routingKey() == null ? "" : route.routingKey());
        annotations.put("x-opt-trace-routed-queues", route.queues());
        copy(route.connection(), "publish." + exchange, route.message(), annotations);
    }

    @Override
    public void onDeliver(Deliver deliver) {
        if (!settings.deliver() || !traced(deliver.connection(), deliver.message())
                || !TraceSettings.any(settings.queues(), deliver.queue())) {
            return;
        }
        Map<String, Object> annotations = common("deliver", deliver.connection());
        annotations.put("x-opt-trace-queue", deliver.queue());
        annotations.put("x-opt-trace-link", deliver.link());
        annotations.put("x-opt-trace-delivery-count", deliver.deliveryCount());
        annotations.put("x-opt-trace-redelivered", deliver.deliveryCount() > 0);
        copy(deliver.connection(), "deliver." + deliver.queue(), deliver.message(), annotations);
    }

    private boolean traced(ConnectionInfo connection, InterceptedMessage message) {
        if (!settings.vhosts().contains(connection.vhost()) || message.messageAnnotation(EVENT) != null) {
            return false;
        }
        for (Map.Entry<String, String> wanted : settings.matchHeaders().entrySet()) {
            Object actual = message.applicationProperty(wanted.getKey());
            if (actual == null || !wanted.getValue().equals(String.valueOf(actual))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> common(String event, ConnectionInfo connection) {
        Map<String, Object> annotations = new LinkedHashMap<>();
        annotations.put(EVENT, event);
        annotations.put("x-opt-trace-vhost", connection.vhost());
        annotations.put("x-opt-trace-connection", connection.id());
        annotations.put("x-opt-trace-user", connection.user() == null ? "" : connection.user());
        annotations.put("x-opt-trace-time", new Date());
        return annotations;
    }

    private void copy(ConnectionInfo connection, String routingKey, InterceptedMessage message,
            Map<String, Object> annotations) {
        messaging.publishCopy(connection.vhost(), settings.exchange(), routingKey, message, annotations)
                .whenComplete((queues, error) -> {
                    if (error != null && copyFailureLogged.compareAndSet(false, true)) {
                        LOG.log(Level.WARNING, "Tracing: a trace copy was not stored (" + error
                                + "); further failures are not logged", error);
                    }
                });
    }
}
