package io.wharf.broker.config;

import java.util.Map;

/**
 * A queue the broker declares at start (an entry of {@code queues.declare}), as if a client had declared it over the
 * management link pair; nothing happens when an equal one exists. With argument {@code x-partitions} it is a
 * partitioned stream.
 *
 * @param vhost     {@code vhost}: the virtual host (default {@code /}); it must be one of {@code vhosts}
 * @param name      {@code name}: the queue (or partitioned stream) name
 * @param arguments {@code arguments}: queue arguments, e.g. {@code {x-queue-type: stream, x-partitions: 6}}
 */
public record QueueDeclaration(String vhost, String name, Map<String, Object> arguments) {
}
