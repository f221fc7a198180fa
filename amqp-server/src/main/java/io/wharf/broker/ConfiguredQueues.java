package io.wharf.broker;

import io.wharf.amqp.engine.VirtualHost;
import io.wharf.broker.config.QueueDeclaration;
import io.wharf.exchange.PartitionedStreams;
import io.wharf.store.queue.QueueDefinition;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares the queues of {@code queues.declare} at start, after recovery and before the listener opens, as a client
 * would over management: an equal existing queue is left as it is. One that cannot be declared (its vhost is
 * missing, it exists with other arguments) is logged as an error naming the entry; the broker starts anyway.
 */
final class ConfiguredQueues {

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredQueues.class);
    private static final long TIMEOUT_SECONDS = 30;

    private ConfiguredQueues() {
    }

    static void declare(VirtualHostRegistry vhosts, List<QueueDeclaration> declarations) {
        for (int i = 0; i < declarations.size(); i++) {
            QueueDeclaration d = declarations.get(i);
            String at = "queues.declare[" + i + "] (" + d.name() + ")";
            VirtualHost vhost = vhosts.get(d.vhost());
            if (vhost == null) {
                LOG.error("{}: vhost '{}' does not exist; add it to 'vhosts'", at, d.vhost());
                continue;
            }
            QueueDefinition definition = new QueueDefinition(d.vhost(), d.name(), "classic", true, false, false,
                    d.arguments());
            CompletableFuture<?> declared = PartitionedStreams.requested(d.arguments())
                    ? PartitionedStreams.declare(vhost.topology(), definition)
                    : vhost.topology().declareQueue(definition);
            try {
                declared.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                LOG.error("{}: not declared: {}", at, cause.getMessage());
            }
        }
    }
}
