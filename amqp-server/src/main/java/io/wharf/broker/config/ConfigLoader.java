package io.wharf.broker.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.wharf.amqp.sasl.PasswordHash;
import io.wharf.store.log.FsyncPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads {@code wharf.yaml} plus {@code WHARF_*} environment overrides into a validated {@link BrokerConfig}.
 *
 * <p>The yaml is read into a tree and bound by hand rather than by databind, so that every error names the key and
 * the value as written ({@code amqp.port: 70000 is not a port number (0..65535)}) and all errors are reported
 * together in one {@link ConfigException}. Keys, defaults and ranges are listed in the config records' javadoc and
 * in the shipped {@code conf/wharf.yaml}.
 *
 * <p>Relative paths ({@code data-dir}, {@code plugins.dir}) resolve against the current working directory of the
 * broker process, not the config file's folder, and are returned absolute.
 *
 * <p>Every key whose value is a scalar, and {@code plugins.enabled} (comma-separated), can be overridden by an
 * environment variable; see {@link #envVariables()} and {@link EnvOverrides}.
 */
public final class ConfigLoader {

    /** The keys of each section, in the order the shipped wharf.yaml lists them. */
    private static final Map<String, List<String>> SECTIONS = Map.of(
            "amqp", List.of("host", "port", "max-frame-size-bytes", "channel-max", "idle-timeout-ms",
                    "max-message-size-bytes", "link-credit-window", "node-name", "tls-port"),
            "http", List.of("host", "port", "enabled", "rates-interval-ms", "rates-samples", "tls"),
            "store", List.of("fsync", "segment-size-bytes", "min-free-disk-bytes", "dedup-window-size",
                    "dedup-window-seconds"),
            "limits", List.of("memory-high-watermark-percent", "max-inflight-bytes", "max-connections",
                    "max-connections-per-user", "max-connections-per-vhost", "max-queues-per-vhost",
                    "handshake-timeout-ms"),
            "tls", List.of("key-store", "key-store-password", "key-store-type", "cert-chain", "private-key",
                    "trust-store", "trust-store-password", "trust-store-type", "client-auth"),
            "queues", List.of("auto-create", "policies", "declare"),
            "auth", List.of("anonymous", "users"),
            "plugins", List.of("dir", "enabled", "settings"));
    private static final String DATA_DIR = "data-dir";
    private static final String VHOSTS = "vhosts";
    private static final List<String> TOP_LEVEL_KEYS = List.of("amqp", "http", DATA_DIR, "store", "limits", "queues",
            VHOSTS, "auth", "tls", "plugins");
    private static final List<String> USER_KEYS = List.of("name", "password-hash", "loopback-only");
    /** Keys holding a structure, which one environment string cannot express. */
    private static final Set<String> NOT_FROM_ENV = Set.of("auth.users", "plugins.settings", "queues.policies",
            "queues.declare");
    private static final Map<String, String> ENV_VARIABLES = EnvOverrides.variables(envKeys());

    private static final String PORT_PROBLEM = "is not a port number (0..65535)";
    private static final String HASH_HINT = "create one with `wharf hash-password`";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            // A key written twice is almost always a mistake; jackson would silently keep the last one.
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // yes/no/on/off as booleans is a YAML 1.1 trap (the Norway problem); only true/false are booleans here.
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .build();

    private ConfigLoader() {
    }

    /**
     * Reads and validates {@code file} (UTF-8). Relative paths in it resolve against the current working directory.
     *
     * @param env the environment, normally {@code System.getenv()}
     * @throws ConfigException listing every problem, or the file's read or syntax error with its line
     */
    public static BrokerConfig load(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file);
        } catch (CharacterCodingException e) {
            throw new ConfigException(file.toString(), List.of("the file is not UTF-8 text"));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot read the file: " + e));
        }
        return read(text, file.toString(), env);
    }

    /** Like {@link #load} for yaml text already in hand; errors name no file. */
    public static BrokerConfig parse(String yaml, Map<String, String> env) {
        return read(yaml, null, env);
    }

    /** The configuration with every key at its default and no environment overrides. */
    public static BrokerConfig defaults() {
        return parse("", Map.of());
    }

    /**
     * The environment variable for each key that has one ({@code amqp.port -> WHARF_AMQP_PORT}), in the order of
     * the shipped wharf.yaml.
     */
    public static Map<String, String> envVariables() {
        return ENV_VARIABLES;
    }

    private static BrokerConfig read(String yaml, String source, Map<String, String> env) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(env, "env");
        JsonNode root = tree(yaml, source);
        ValueReader reader = new ValueReader(new EnvOverrides(ENV_VARIABLES.keySet(), env));
        if (!root.isMissingNode() && !root.isNull() && !root.isObject()) {
            reader.error("the file must be a mapping of sections (amqp:, http:, ...), found "
                    + ValueReader.show(root));
            root = null;
        } else if (root.isObject()) {
            reader.checkKeys("", root, TOP_LEVEL_KEYS);
        }

        ObjectNode amqpSection = section(reader, root, "amqp");
        BrokerConfig config = new BrokerConfig(
                amqp(reader, amqpSection),
                http(reader, section(reader, root, "http")),
                reader.path(DATA_DIR, root, DATA_DIR, "data"),
                store(reader, section(reader, root, "store")),
                limits(reader, section(reader, root, "limits")),
                queues(reader, section(reader, root, "queues")),
                auth(reader, section(reader, root, "auth")),
                plugins(reader, section(reader, root, "plugins")),
                vhosts(reader, root),
                tls(reader, section(reader, root, "tls"), amqpSection));
        if (config.http().tls() && !config.tls().enabled()) {
            reader.error("http.tls: true needs a server key in section tls (tls.key-store, or tls.cert-chain + "
                    + "tls.private-key)");
        }
        if (!reader.errors().isEmpty()) {
            throw new ConfigException(source, reader.errors());
        }
        return config;
    }

    private static JsonNode tree(String yaml, String source) {
        try {
            JsonNode root = YAML.readTree(yaml);
            return root == null ? YAML.missingNode() : root;
        } catch (JsonProcessingException e) {
            throw new ConfigException(source, List.of(YamlSyntaxError.describe(e)));
        }
    }

    private static ObjectNode section(ValueReader reader, JsonNode root, String name) {
        return reader.section(name, root, name, SECTIONS.get(name));
    }

    private static AmqpConfig amqp(ValueReader r, ObjectNode s) {
        return new AmqpConfig(
                r.string("amqp.host", s, "host", "0.0.0.0"),
                (int) r.integer("amqp.port", s, "port", 0, 65535, PORT_PROBLEM, 5672),
                (int) r.integer("amqp.max-frame-size-bytes", s, "max-frame-size-bytes",
                        512, Integer.MAX_VALUE, null, 1_048_576),
                (int) r.integer("amqp.channel-max", s, "channel-max", 0, 65535, null, 2047),
                (int) r.integer("amqp.idle-timeout-ms", s, "idle-timeout-ms", 0, Integer.MAX_VALUE, null, 60_000),
                r.integer("amqp.max-message-size-bytes", s, "max-message-size-bytes",
                        1, Long.MAX_VALUE, null, 16_777_216),
                (int) r.integer("amqp.link-credit-window", s, "link-credit-window", 1, 1_000_000, null, 1000),
                nodeName(r.string("amqp.node-name", s, "node-name", null)));
    }

    /** Looked up only when not configured: resolving the local host name can wait on DNS. */
    private static String nodeName(String configured) {
        if (configured != null) {
            return configured;
        }
        try {
            String host = InetAddress.getLocalHost().getHostName();
            return "wharf@" + (host.isBlank() ? "localhost" : host);
        } catch (IOException | SecurityException e) {
            return "wharf@localhost";
        }
    }

    private static HttpConfig http(ValueReader r, ObjectNode s) {
        return new HttpConfig(
                r.string("http.host", s, "host", "0.0.0.0"),
                (int) r.integer("http.port", s, "port", 0, 65535, PORT_PROBLEM, 15672),
                r.bool("http.enabled", s, "enabled", true),
                r.integer("http.rates-interval-ms", s, "rates-interval-ms", 100, 3_600_000, null, 5000),
                (int) r.integer("http.rates-samples", s, "rates-samples", 2, 1000, null, 12),
                r.bool("http.tls", s, "tls", false));
    }

    private static StoreConfig store(ValueReader r, ObjectNode s) {
        String fsync = r.string("store.fsync", s, "fsync", "batch");
        FsyncPolicy policy = FsyncPolicy.BATCH;
        if (fsync != null) {
            try {
                policy = FsyncPolicy.parse(fsync);
            } catch (IllegalArgumentException e) {
                r.error("store.fsync: " + e.getMessage());
            }
        }
        return new StoreConfig(policy,
                (int) r.integer("store.segment-size-bytes", s, "segment-size-bytes", 65_536, Integer.MAX_VALUE, null,
                        64L * 1024 * 1024),
                r.integer("store.min-free-disk-bytes", s, "min-free-disk-bytes", 0, Long.MAX_VALUE, null,
                        50L * 1024 * 1024),
                (int) r.integer("store.dedup-window-size", s, "dedup-window-size", 1, Integer.MAX_VALUE, null, 20_000),
                r.integer("store.dedup-window-seconds", s, "dedup-window-seconds", 0, Long.MAX_VALUE / 1000, null, 0));
    }

    private static LimitsConfig limits(ValueReader r, ObjectNode s) {
        return new LimitsConfig(
                (int) r.integer("limits.memory-high-watermark-percent", s, "memory-high-watermark-percent", 10, 100,
                        null, 80),
                r.integer("limits.max-inflight-bytes", s, "max-inflight-bytes", 0, Long.MAX_VALUE, null, 0),
                (int) r.integer("limits.max-connections", s, "max-connections", 0, Integer.MAX_VALUE, null, 10_000),
                (int) r.integer("limits.max-connections-per-user", s, "max-connections-per-user", 0,
                        Integer.MAX_VALUE, null, 0),
                (int) r.integer("limits.max-connections-per-vhost", s, "max-connections-per-vhost", 0,
                        Integer.MAX_VALUE, null, 0),
                (int) r.integer("limits.max-queues-per-vhost", s, "max-queues-per-vhost", 0, Integer.MAX_VALUE,
                        null, 100_000),
                (int) r.integer("limits.handshake-timeout-ms", s, "handshake-timeout-ms", 100, Integer.MAX_VALUE,
                        null, 10_000));
    }

    private static TlsConfig tls(ValueReader r, ObjectNode s, ObjectNode amqp) {
        String keyStoreType = upper(r.string("tls.key-store-type", s, "key-store-type", "PKCS12"));
        String trustStoreType = upper(r.string("tls.trust-store-type", s, "trust-store-type", "PKCS12"));
        for (String[] type : new String[][] {{"tls.key-store-type", keyStoreType},
                {"tls.trust-store-type", trustStoreType}}) {
            if (!type[1].equals("PKCS12") && !type[1].equals("PEM")) {
                r.error(type[0] + ": '" + type[1] + "' is not a store type (PKCS12 or PEM)");
            }
        }
        String clientAuth = upper(r.string("tls.client-auth", s, "client-auth", "none"));
        TlsConfig.ClientAuth auth = TlsConfig.ClientAuth.NONE;
        try {
            auth = TlsConfig.ClientAuth.valueOf(clientAuth);
        } catch (IllegalArgumentException e) {
            r.error("tls.client-auth: '" + clientAuth.toLowerCase(java.util.Locale.ROOT)
                    + "' is not one of none, want, need");
        }
        TlsConfig tls = new TlsConfig(
                optionalPath(r, "tls.key-store", s, "key-store"),
                r.string("tls.key-store-password", s, "key-store-password", ""),
                keyStoreType,
                optionalPath(r, "tls.cert-chain", s, "cert-chain"),
                optionalPath(r, "tls.private-key", s, "private-key"),
                optionalPath(r, "tls.trust-store", s, "trust-store"),
                r.string("tls.trust-store-password", s, "trust-store-password", ""),
                trustStoreType,
                auth,
                (int) r.integer("amqp.tls-port", amqp, "tls-port", -1, 65535,
                        "is not a port number (0..65535, or -1 to disable)", 5671));
        if (keyStoreType.equals("PEM") && tls.keyStore() == null
                && (tls.certChain() == null) != (tls.privateKey() == null)) {
            r.error("tls: a PEM key needs both tls.cert-chain and tls.private-key");
        }
        if (tls.keyStore() != null && tls.certChain() != null) {
            r.error("tls: set tls.key-store or tls.cert-chain + tls.private-key, not both");
        }
        return tls;
    }

    private static String upper(String text) {
        return text == null ? "" : text.toUpperCase(java.util.Locale.ROOT);
    }

    private static Path optionalPath(ValueReader r, String key, ObjectNode s, String field) {
        String text = r.string(key, s, field, null);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            r.error(key + ": '" + text + "' is not a valid path (" + e.getReason() + ")");
            return null;
        }
    }

    private static QueuesConfig queues(ValueReader r, ObjectNode s) {
        return new QueuesConfig(r.bool("queues.auto-create", s, "auto-create", true), policies(r, s),
                declarations(r, s));
    }

    /** {@code queues.declare}: a list of {name, vhost, arguments}; arguments checked as policies' are. */
    private static List<QueueDeclaration> declarations(ValueReader r, ObjectNode queues) {
        List<QueueDeclaration> declared = new ArrayList<>();
        for (Map.Entry<String, JsonNode> item : mappings(r, queues, "declare", List.of("name", "vhost", "arguments"),
                "queues (name, vhost, arguments)")) {
            String at = item.getKey();
            JsonNode entry = item.getValue();
            String name = r.string(at + ".name", entry, "name", null);
            if (name == null || name.isEmpty()) {
                r.error(at + ".name: missing");
                continue;
            }
            String vhost = r.string(at + ".vhost", entry, "vhost", "/");
            JsonNode arguments = entry.get("arguments");
            Map<String, Object> typed = arguments == null ? new LinkedHashMap<>()
                    : queueArguments(r, at, arguments, true);
            if (typed == null) {
                continue;
            }
            declared.add(new QueueDeclaration(vhost, name, Collections.unmodifiableMap(typed)));
        }
        return List.copyOf(declared);
    }

    private static List<QueuePolicy> policies(ValueReader r, ObjectNode queues) {
        List<QueuePolicy> policies = new ArrayList<>();
        for (Map.Entry<String, JsonNode> item : mappings(r, queues, "policies", List.of("pattern", "arguments"),
                "policies (pattern, arguments)")) {
            String at = item.getKey();
            JsonNode entry = item.getValue();
            String pattern = r.string(at + ".pattern", entry, "pattern", null);
            if (pattern == null) {
                r.error(at + ".pattern: missing");
                continue;
            }
            java.util.regex.Pattern compiled;
            try {
                compiled = java.util.regex.Pattern.compile(pattern);
            } catch (java.util.regex.PatternSyntaxException e) {
                r.error(at + ".pattern", entry.get("pattern"), "is not a regular expression: " + e.getDescription());
                continue;
            }
            JsonNode arguments = entry.get("arguments");
            if (arguments == null) {
                r.error(at + ".arguments", entry, "is not a mapping of queue arguments");
                continue;
            }
            Map<String, Object> typed = queueArguments(r, at, arguments, false);
            if (typed == null) {
                continue;
            }
            policies.add(new QueuePolicy(compiled, Collections.unmodifiableMap(typed)));
        }
        return List.copyOf(policies);
    }

    /**
     * The entries of the list {@code queues.<key>}, each a mapping with only {@code fields}, paired with its label
     * ({@code queues.<key>[i]}); what is not a mapping is reported (naming {@code what}) and left out.
     */
    private static List<Map.Entry<String, JsonNode>> mappings(ValueReader r, ObjectNode queues, String key,
            List<String> fields, String what) {
        ValueReader.Raw raw = r.raw("queues." + key, queues, key);
        if (raw == null) {
            return List.of();
        }
        if (!raw.node().isArray()) {
            r.error(raw.label(), raw.node(), "is not a list of " + what);
            return List.of();
        }
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        for (int i = 0; i < raw.node().size(); i++) {
            String at = "queues." + key + "[" + i + "]";
            JsonNode entry = raw.node().get(i);
            if (!entry.isObject()) {
                r.error(at, entry, "is not a mapping " + what.substring(what.indexOf('(')));
                continue;
            }
            r.checkKeys(at, entry, fields);
            entries.add(Map.entry(at, entry));
        }
        return entries;
    }

    /**
     * {@code <at>.arguments} typed (YAML integers as longs) and checked as a declaration would check them; null after
     * reporting the first problem. {@code partitioned}: {@code x-partitions} is allowed and makes a stream.
     */
    private static Map<String, Object> queueArguments(ValueReader r, String at, JsonNode arguments,
            boolean partitioned) {
        if (!arguments.isObject()) {
            r.error(at + ".arguments", arguments, "is not a mapping of queue arguments");
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) plain(arguments);
        Map<String, Object> typed = new LinkedHashMap<>();
        map.forEach((k, v) -> typed.put(k, v instanceof Integer n ? Long.valueOf(n) : v));
        boolean hasPartitions = partitioned && typed.containsKey(io.wharf.exchange.PartitionExchange.PARTITIONS);
        if (hasPartitions) {
            Object partitions = typed.get(io.wharf.exchange.PartitionExchange.PARTITIONS);
            if (!(partitions instanceof Long n) || n < 1 || n > io.wharf.exchange.PartitionExchange.MAX_PARTITIONS) {
                r.error(at + ".arguments.x-partitions", arguments.get("x-partitions"), "is not a partition count "
                        + "(an integer from 1 to " + io.wharf.exchange.PartitionExchange.MAX_PARTITIONS + ")");
                return null;
            }
        }
        try {
            if ("stream".equals(typed.get("x-queue-type")) || hasPartitions) {
                io.wharf.store.stream.StreamArguments.from(typed);
            } else {
                io.wharf.store.queue.QueueArguments.from(typed);
            }
        } catch (IllegalArgumentException e) {
            r.error(at + ".arguments." + e.getMessage());
            return null;
        }
        return typed;
    }

    /** {@code vhosts}: the virtual hosts to have at start; the default vhost {@code /} always exists. */
    private static List<String> vhosts(ValueReader r, JsonNode root) {
        List<String> names = r.stringList(VHOSTS, root != null && root.isObject() ? root : null, VHOSTS,
                List.of("/"));
        List<String> vhosts = new ArrayList<>(List.of("/"));
        for (String name : names) {
            if (name.length() > 255 || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
                r.error("vhosts: '" + name + "' is not a virtual host name (at most 255 characters, no line breaks)");
            } else if (!vhosts.contains(name)) {
                vhosts.add(name);
            }
        }
        return List.copyOf(vhosts);
    }

    private static AuthConfig auth(ValueReader r, ObjectNode s) {
        return new AuthConfig(r.bool("auth.anonymous", s, "anonymous", true), users(r, s));
    }

    /** No users by default: a built-in password would be one every installation shares. */
    private static List<UserConfig> users(ValueReader r, ObjectNode auth) {
        ValueReader.Raw raw = r.raw("auth.users", auth, "users");
        if (raw == null) {
            return List.of();
        }
        if (!raw.node().isArray()) {
            r.error(raw.label(), raw.node(), "is not a list of users");
            return List.of();
        }
        List<UserConfig> users = new ArrayList<>();
        Map<String, String> firstByName = new HashMap<>();
        for (int i = 0; i < raw.node().size(); i++) {
            String at = "auth.users[" + i + "]";
            JsonNode entry = raw.node().get(i);
            if (!entry.isObject()) {
                r.error(at, entry, "is not a mapping (name, password-hash, loopback-only)");
                continue;
            }
            r.checkKeys(at, entry, USER_KEYS);
            String name = null;
            if (r.raw(at + ".name", entry, "name") == null) {
                r.error(at + ".name: missing");
            } else {
                name = r.string(at + ".name", entry, "name", null);
            }
            String hash = passwordHash(r, at, entry, name);
            boolean loopbackOnly = r.bool(at + ".loopback-only", entry, "loopback-only", false);
            if (name != null) {
                String first = firstByName.putIfAbsent(name, at);
                if (first != null) {
                    r.error(at + ".name", entry.get("name"), "is a duplicate of " + first + ".name");
                }
            }
            users.add(new UserConfig(name, hash, loopbackOnly));
        }
        return List.copyOf(users);
    }

    /** Never echoes the value: what fails here is most likely a password written in the clear. */
    private static String passwordHash(ValueReader r, String at, JsonNode entry, String userName) {
        String key = at + ".password-hash";
        String user = userName == null ? "" : " (user \"" + userName + "\")";
        JsonNode node = entry.get("password-hash");
        if (node == null || node.isNull()) {
            r.error(key + ": missing" + user + "; " + HASH_HINT);
            return null;
        }
        if (!node.isTextual() || !PasswordHash.isValid(node.textValue())) {
            r.error(key + ": not a Wharf password hash" + user + "; " + HASH_HINT);
            return null;
        }
        return node.textValue();
    }

    private static PluginsConfig plugins(ValueReader r, ObjectNode s) {
        return new PluginsConfig(
                r.path("plugins.dir", s, "dir", "plugins"),
                r.stringList("plugins.enabled", s, "enabled", List.of()),
                pluginSettings(r, s));
    }

    /**
     * Settings are opaque to the broker (each plugin validates its own), so values pass through as plain Java:
     * String, Boolean, Integer/Long/BigInteger, Double, List, Map, or null.
     */
    private static Map<String, Map<String, Object>> pluginSettings(ValueReader r, ObjectNode plugins) {
        ValueReader.Raw raw = r.raw("plugins.settings", plugins, "settings");
        if (raw == null) {
            return Map.of();
        }
        if (!raw.node().isObject()) {
            r.error(raw.label(), raw.node(), "is not a mapping of plugin name to settings");
            return Map.of();
        }
        Map<String, Map<String, Object>> settings = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = raw.node().fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> plugin = fields.next();
            JsonNode value = plugin.getValue();
            if (value.isNull()) {
                settings.put(plugin.getKey(), Map.of());
            } else if (value.isObject()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) plain(value);
                settings.put(plugin.getKey(), map);
            } else {
                r.error("plugins.settings." + plugin.getKey(), value, "is not a mapping");
            }
        }
        return Collections.unmodifiableMap(settings);
    }

    /** Unmodifiable, and keeping yaml order and nulls (which Map.copyOf / List.copyOf refuse). */
    private static Object plain(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(field -> map.put(field.getKey(), plain(field.getValue())));
            return Collections.unmodifiableMap(map);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.elements().forEachRemaining(element -> list.add(plain(element)));
            return Collections.unmodifiableList(list);
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        return null;
    }

    /** Every dotted key with a scalar (or comma-separated list) value, in wharf.yaml order. */
    private static List<String> envKeys() {
        List<String> keys = new ArrayList<>();
        for (String top : TOP_LEVEL_KEYS) {
            List<String> sectionKeys = SECTIONS.get(top);
            if (sectionKeys == null) {
                keys.add(top);
                continue;
            }
            for (String key : sectionKeys) {
                String dotted = top + "." + key;
                if (!NOT_FROM_ENV.contains(dotted)) {
                    keys.add(dotted);
                }
            }
        }
        return keys;
    }
}
