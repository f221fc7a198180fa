package io.wharf.plugin;

import java.util.Map;

/**
 * A binding from an exchange of a plugin-provided type, as its {@link ExchangeTypeProvider.Router} sees it.
 *
 * @param destination the queue or exchange name
 * @param toQueue     true when the destination is a queue, false for an exchange
 * @param bindingKey  the binding key
 * @param arguments   the binding arguments (unmodifiable)
 */
public record ExchangeBinding(String destination, boolean toQueue, String bindingKey, Map<String, Object> arguments) {
}
