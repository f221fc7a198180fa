package io.wharf.broker.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Arguments given to queues whose name matches a pattern when an address auto-creates them (an entry of
 * {@code queues.policies}), the way RabbitMQ policies give queues TTLs, limits or priorities without the client
 * declaring them. The first matching policy applies.
 *
 * @param pattern   {@code pattern}: a Java regular expression, searched in the queue name ({@code ^orders\.})
 * @param arguments {@code arguments}: queue arguments, e.g. {@code x-max-priority: 10}
 */
public record QueuePolicy(Pattern pattern, Map<String, Object> arguments) {

    public boolean matches(String queueName) {
        return pattern.matcher(queueName).find();
    }
}
