package io.wharf.store.queue;

import java.util.Map;

/**
 * A declared queue as it is stored.
 *
 * @param vhost      virtual host name ({@code /} by default)
 * @param name       queue name
 * @param type       {@code classic} or {@code stream}
 * @param durable    survives a restart (with its messages)
 * @param exclusive  owned by one connection
 * @param autoDelete deleted when its last consumer goes
 * @param arguments  the {@code x-} arguments, values String / Long / Boolean / Double / nested List or Map
 */
public record QueueDefinition(String vhost, String name, String type, boolean durable, boolean exclusive,
        boolean autoDelete, Map<String, Object> arguments) {

    public QueueDefinition {
        arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
    }

    /** A durable classic queue with no arguments: what an address auto-creates. */
    public static QueueDefinition durableClassic(String vhost, String name) {
        return new QueueDefinition(vhost, name, "classic", true, false, false, Map.of());
    }
}
