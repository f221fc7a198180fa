package io.wharf.broker.config;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code WHARF_*} environment variables that override yaml keys.
 *
 * <p>A key's variable is {@code WHARF_} + the key upper-cased with {@code .} and {@code -} turned into {@code _}
 * ({@code amqp.idle-timeout-ms} -> {@code WHARF_AMQP_IDLE_TIMEOUT_MS}). The mapping is computed from the list of
 * known keys rather than by parsing variable names back into keys, because {@code _} could stand for either
 * separator; building it from the keys, and refusing two keys with one variable, keeps it unambiguous. Variables
 * that name no key ({@code WHARF_CONF}, the config file path) are none of this class's business and are ignored.
 */
final class EnvOverrides {

    /** A value taken from the environment for {@code key}. */
    record Override(String key, String variable, String value) {
    }

    private final Map<String, String> variableByKey;
    private final Map<String, Override> overrideByKey = new HashMap<>();

    EnvOverrides(Collection<String> keys, Map<String, String> env) {
        variableByKey = variables(keys);
        variableByKey.forEach((key, variable) -> {
            String value = env.get(variable);
            if (value != null) {
                overrideByKey.put(key, new Override(key, variable, value));
            }
        });
    }

    /** The variable for each key, in the order the keys were given. */
    static Map<String, String> variables(Collection<String> keys) {
        Map<String, String> variableByKey = new LinkedHashMap<>();
        Map<String, String> keyByVariable = new HashMap<>();
        for (String key : keys) {
            String variable = variableFor(key);
            String clash = keyByVariable.putIfAbsent(variable, key);
            if (clash != null) {
                throw new IllegalStateException("keys '" + clash + "' and '" + key + "' both map to " + variable);
            }
            variableByKey.put(key, variable);
        }
        return variableByKey;
    }

    static String variableFor(String key) {
        return "WHARF_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The environment's value for {@code key}, if its variable is set (even to the empty string). */
    Optional<Override> forKey(String key) {
        return Optional.ofNullable(overrideByKey.get(key));
    }
}
