package io.wharf.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.amqp.sasl.PasswordHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

    /** Made once at the cheapest allowed cost: the loader only checks the form, and hashing is slow. */
    private static final String HASH = PasswordHash.hash("secret".toCharArray(), PasswordHash.MIN_ITERATIONS);

    private static BrokerConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, Map.of());
    }

    private static List<String> errors(String yaml) {
        return errors(yaml, Map.of());
    }

    private static List<String> errors(String yaml, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, env)).errors();
    }

    private static Path absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize();
    }

    // ---- defaults

    @Test
    void defaultsMatchTheRecordsJavadoc() {
        BrokerConfig config = ConfigLoader.defaults();

        AmqpConfig amqp = config.amqp();
        assertEquals("0.0.0.0", amqp.host());
        assertEquals(5672, amqp.port());
        assertEquals(1_048_576, amqp.maxFrameSizeBytes());
        assertEquals(2047, amqp.channelMax());
        assertEquals(60_000, amqp.idleTimeoutMs());
        assertEquals(16_777_216L, amqp.maxMessageSizeBytes());
        assertEquals(1000, amqp.linkCreditWindow());
        assertTrue(amqp.nodeName().startsWith("wharf@") && amqp.nodeName().length() > "wharf@".length(),
                amqp.nodeName());

        assertEquals(new HttpConfig("0.0.0.0", 15672), config.http());
        assertEquals(absolute("data"), config.dataDir());
        assertTrue(config.queues().autoCreate());
        assertEquals(new AuthConfig(true, List.of()), config.auth());
        assertEquals(new PluginsConfig(absolute("plugins"), List.of(), Map.of()), config.plugins());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "# only a comment\n", "---\n", "~\n",
            "amqp:\nhttp:\nqueues:\nauth:\nplugins:\n", "amqp: {}\nauth:\n  users:\n  anonymous:\n"})
    void emptyFilesAndSectionsGiveTheDefaults(String yaml) {
        assertEquals(ConfigLoader.defaults(), parse(yaml));
    }

    // ---- every key

    @Test
    void everyKeyIsRead() {
        BrokerConfig config = parse("""
                amqp:
                  host: 127.0.0.1
                  port: 5673
                  max-frame-size-bytes: 512
                  channel-max: 65535
                  idle-timeout-ms: 0
                  max-message-size-bytes: 4294967296
                  link-credit-window: 1000000
                  node-name: wharf@test
                http:
                  host: ::1
                  port: 0
                data-dir: /var/lib/wharf
                queues:
                  auto-create: false
                auth:
                  anonymous: false
                  users:
                    - name: alice
                      password-hash: %s
                      loopback-only: true
                    - name: bob
                      password-hash: %s
                plugins:
                  dir: ext/plugins
                  enabled: [console, shovel]
                  settings:
                    console:
                      refresh-ms: 5000
                      title: Wharf
                      tags: [a, b]
                      nested: {deep: true, none: null}
                    shovel:
                """.formatted(HASH, HASH));

        assertEquals(new AmqpConfig("127.0.0.1", 5673, 512, 65535, 0, 4_294_967_296L, 1_000_000, "wharf@test"),
                config.amqp());
        assertEquals(new HttpConfig("::1", 0), config.http());
        assertEquals(Path.of("/var/lib/wharf"), config.dataDir());
        assertFalse(config.queues().autoCreate());
        assertEquals(new AuthConfig(false, List.of(
                new UserConfig("alice", HASH, true),
                new UserConfig("bob", HASH, false))), config.auth());
        assertEquals(absolute("ext/plugins"), config.plugins().dir());
        assertEquals(List.of("console", "shovel"), config.plugins().enabled());

        Map<String, Object> console = config.plugins().settings().get("console");
        assertEquals(5000, console.get("refresh-ms"));
        assertEquals("Wharf", console.get("title"));
        assertEquals(List.of("a", "b"), console.get("tags"));
        Map<?, ?> nested = (Map<?, ?>) console.get("nested");
        assertEquals(true, nested.get("deep"));
        assertTrue(nested.containsKey("none") && nested.get("none") == null);
        assertEquals(Map.of(), config.plugins().settings().get("shovel"));
        assertEquals(List.of("console", "shovel"), List.copyOf(config.plugins().settings().keySet()));
    }

    @Test
    void relativePathsResolveAgainstTheWorkingDirectory() {
        BrokerConfig config = parse("data-dir: ./var/../store\nplugins:\n  dir: plugins\n");
        assertEquals(Path.of("").toAbsolutePath().resolve("store"), config.dataDir());
        assertEquals(Path.of("").toAbsolutePath().resolve("plugins"), config.plugins().dir());
    }

    @Test
    void booleansAndIntegersMayBeQuoted() {
        BrokerConfig config = parse("amqp:\n  port: \"5673\"\nqueues:\n  auto-create: \"false\"\n");
        assertEquals(5673, config.amqp().port());
        assertFalse(config.queues().autoCreate());
    }

    // ---- bad values: each names the key and the value

    static List<Arguments> badValues() {
        return List.of(
                Arguments.of("amqp:\n  port: 70000", "amqp.port: 70000 is not a port number (0..65535)"),
                Arguments.of("amqp:\n  port: -1", "amqp.port: -1 is not a port number (0..65535)"),
                Arguments.of("http:\n  port: 65536", "http.port: 65536 is not a port number (0..65535)"),
                Arguments.of("amqp:\n  idle-timeout-ms: \"abc\"", "amqp.idle-timeout-ms: \"abc\" is not an integer"),
                Arguments.of("amqp:\n  idle-timeout-ms: abc", "amqp.idle-timeout-ms: \"abc\" is not an integer"),
                Arguments.of("amqp:\n  idle-timeout-ms: -5", "amqp.idle-timeout-ms: -5 is out of range (0..2147483647)"),
                Arguments.of("amqp:\n  port: 5672.5", "amqp.port: 5672.5 is not an integer"),
                Arguments.of("amqp:\n  port: 5672.0", "amqp.port: 5672.0 is not an integer"),
                Arguments.of("amqp:\n  port: [5672]", "amqp.port: [5672] is not an integer"),
                Arguments.of("amqp:\n  port: true", "amqp.port: true is not an integer"),
                Arguments.of("amqp:\n  max-frame-size-bytes: 511",
                        "amqp.max-frame-size-bytes: 511 is out of range (512..2147483647)"),
                Arguments.of("amqp:\n  max-frame-size-bytes: 2147483648",
                        "amqp.max-frame-size-bytes: 2147483648 is out of range (512..2147483647)"),
                Arguments.of("amqp:\n  channel-max: 65536", "amqp.channel-max: 65536 is out of range (0..65535)"),
                Arguments.of("amqp:\n  max-message-size-bytes: 0",
                        "amqp.max-message-size-bytes: 0 is out of range (1..9223372036854775807)"),
                Arguments.of("amqp:\n  max-message-size-bytes: 99999999999999999999",
                        "amqp.max-message-size-bytes: 99999999999999999999 is out of range (1..9223372036854775807)"),
                Arguments.of("amqp:\n  link-credit-window: 0",
                        "amqp.link-credit-window: 0 is out of range (1..1000000)"),
                Arguments.of("amqp:\n  link-credit-window: 1000001",
                        "amqp.link-credit-window: 1000001 is out of range (1..1000000)"),
                Arguments.of("amqp:\n  host: 80", "amqp.host: 80 is not a string"),
                Arguments.of("amqp:\n  host: \"\"", "amqp.host: \"\" is empty"),
                Arguments.of("amqp:\n  node-name: {a: 1}", "amqp.node-name: {\"a\":1} is not a string"),
                Arguments.of("http:\n  host: [a]", "http.host: [\"a\"] is not a string"),
                Arguments.of("data-dir: 5", "data-dir: 5 is not a string"),
                Arguments.of("data-dir: \"a\\0b\"", "data-dir: \"a\\u0000b\" is not a valid path (Nul character not allowed)"),
                Arguments.of("queues:\n  auto-create: yes", "queues.auto-create: \"yes\" is not a boolean (true or false)"),
                Arguments.of("queues:\n  auto-create: 1", "queues.auto-create: 1 is not a boolean (true or false)"),
                Arguments.of("auth:\n  anonymous: \"TRUE \"", "auth.anonymous: \"TRUE \" is not a boolean (true or false)"),
                Arguments.of("plugins:\n  dir: \" \"", "plugins.dir: \" \" is empty"),
                Arguments.of("plugins:\n  enabled: console", "plugins.enabled: \"console\" is not a list"),
                Arguments.of("plugins:\n  enabled: [console, 7]", "plugins.enabled[1]: 7 is not a non-empty string"),
                Arguments.of("plugins:\n  settings: [a]", "plugins.settings: [\"a\"] is not a mapping of plugin name to settings"),
                Arguments.of("plugins:\n  settings:\n    console: 5", "plugins.settings.console: 5 is not a mapping"),
                Arguments.of("amqp: 5672", "amqp: 5672 is not a mapping"),
                Arguments.of("auth:\n  users: guest", "auth.users: \"guest\" is not a list of users"),
                Arguments.of("auth:\n  users: [guest]",
                        "auth.users[0]: \"guest\" is not a mapping (name, password-hash, loopback-only)"),
                Arguments.of("- amqp", "the file must be a mapping of sections (amqp:, http:, ...), found [\"amqp\"]"));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void aBadValueIsReportedWithItsKeyAndValue(String yaml, String expected) {
        assertEquals(List.of(expected), errors(yaml));
    }

    @Test
    void aLongValueIsCutShortInTheError() {
        String error = errors("amqp:\n  host: [" + "x, ".repeat(100) + "]").get(0);
        assertTrue(error.startsWith("amqp.host: [\"x\",\"x\""), error);
        assertTrue(error.endsWith("... is not a string"), error);
    }

    // ---- virtual hosts

    @Test
    void vhostsAlwaysStartWithTheDefaultOne() {
        assertEquals(List.of("/"), ConfigLoader.defaults().vhosts());
        assertEquals(List.of("/", "staging", "prod"),
                ConfigLoader.parse("vhosts:\n  - staging\n  - /\n  - prod\n  - staging\n", Map.of()).vhosts());
        assertEquals(List.of("/", "a", "b"),
                ConfigLoader.parse("", Map.of("WHARF_VHOSTS", "a, b")).vhosts());
        assertEquals(List.of("vhosts: 'bad\nname' is not a virtual host name (at most 255 characters, no line "
                + "breaks)"), errors("vhosts: [\"bad\\nname\"]"));
    }

    // ---- unknown keys

    @Test
    void unknownKeysAreNamedWithTheirSection() {
        assertEquals(List.of("unknown key 'amqp.prot' (did you mean 'amqp.port'?)"), errors("amqp:\n  prot: 5672"));
        assertEquals(List.of("unknown key 'amqp.ssl'"), errors("amqp:\n  ssl: true"));
        assertEquals(List.of("unknown key 'data_dir' (did you mean 'data-dir'?)"), errors("data_dir: /tmp"));
        assertEquals(List.of("unknown key 'exchanges'"), errors("exchanges: []"));
    }

    @Test
    void anUnknownUserKeyIsNamedWithItsIndex() {
        List<String> errors = errors("auth:\n  users:\n    - name: bob\n      password-hash: " + HASH
                + "\n      loopback: true\n");
        assertEquals(List.of("unknown key 'auth.users[0].loopback' (did you mean 'auth.users[0].loopback-only'?)"),
                errors);
    }

    // ---- users

    @Test
    void aPlaintextPasswordIsRefusedWithoutBeingEchoed() {
        List<String> errors = errors("auth:\n  users:\n    - name: guest\n      password-hash: hunter2\n");
        assertEquals(List.of("auth.users[0].password-hash: not a Wharf password hash (user \"guest\"); "
                + "create one with `wharf hash-password`"), errors);
    }

    @Test
    void aPasswordKeyPointsToPasswordHash() {
        List<String> errors = errors("auth:\n  users:\n    - name: bob\n      password: hunter2\n");
        assertEquals(List.of(
                "unknown key 'auth.users[0].password' (did you mean 'auth.users[0].password-hash'?)",
                "auth.users[0].password-hash: missing (user \"bob\"); create one with `wharf hash-password`"), errors);
        assertFalse(String.join("\n", errors).contains("hunter2"));
    }

    @Test
    void aUserNeedsAName() {
        assertEquals(List.of("auth.users[0].name: missing"),
                errors("auth:\n  users:\n    - password-hash: " + HASH + "\n"));
        assertEquals(List.of("auth.users[0].name: \"\" is empty"),
                errors("auth:\n  users:\n    - name: ''\n      password-hash: " + HASH + "\n"));
    }

    @Test
    void duplicateUserNamesAreRefused() {
        List<String> errors = errors("""
                auth:
                  users:
                    - {name: alice, password-hash: %1$s}
                    - {name: bob, password-hash: %1$s}
                    - {name: alice, password-hash: %1$s, loopback-only: maybe}
                """.formatted(HASH));
        assertEquals(List.of(
                "auth.users[2].loopback-only: \"maybe\" is not a boolean (true or false)",
                "auth.users[2].name: \"alice\" is a duplicate of auth.users[0].name"), errors);
    }

    // ---- all errors at once, and the yaml itself

    @Test
    void everyErrorIsReportedTogetherOnePerLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                amqp:
                  port: 70000
                  prot: 1
                  idle-timeout-ms: soon
                http:
                  port: x
                queues:
                  auto-create: no
                """));
        List<String> expected = List.of(
                "unknown key 'amqp.prot' (did you mean 'amqp.port'?)",
                "amqp.port: 70000 is not a port number (0..65535)",
                "amqp.idle-timeout-ms: \"soon\" is not an integer",
                "http.port: \"x\" is not an integer",
                "queues.auto-create: \"no\" is not a boolean (true or false)");
        assertEquals(expected, e.errors());
        assertEquals("invalid configuration:\n  " + String.join("\n  ", expected), e.getMessage());
    }

    @Test
    void aYamlSyntaxErrorNamesTheLine() {
        List<String> errors = errors("amqp:\n  port: 5672\n  host: a: b\n");
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith("line 3, column "), errors.get(0));
        assertTrue(errors.get(0).contains("mapping values are not allowed here"), errors.get(0));
    }

    @Test
    void aYamlSyntaxErrorLeadsWithTheProblemLineAndKeepsWhereTheConstructBegan() {
        assertEquals(List.of("line 2, column 1: while scanning for the next token; found character '\\t(TAB)' "
                + "that cannot start any token. (Do not use \\t(TAB) for indentation)"), errors("amqp:\n\tport: 1\n"));
        assertEquals(List.of("line 3, column 1: while scanning a quoted scalar (from line 2, column 9); "
                + "found unexpected end of stream"), errors("amqp:\n  host: \"unterminated\n"));
    }

    @Test
    void aKeyWrittenTwiceIsAnError() {
        List<String> errors = errors("amqp:\n  port: 1\n  port: 2\n");
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith("line 3, ") && errors.get(0).contains("Duplicate field 'port'"),
                errors.get(0));
    }

    @Test
    void loadNamesTheFileInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("wharf.yaml");
        Files.writeString(file, "amqp:\n  port: [\n");
        ConfigException syntax = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertTrue(syntax.getMessage().startsWith("invalid configuration in " + file + ":\n  line "),
                syntax.getMessage());

        Files.writeString(file, "amqp:\n  port: 70000\n");
        ConfigException value = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals("invalid configuration in " + file + ":\n  amqp.port: 70000 is not a port number (0..65535)",
                value.getMessage());

        Files.writeString(file, "amqp:\n  port: 5673\n");
        assertEquals(5673, ConfigLoader.load(file, Map.of()).amqp().port());
    }

    @Test
    void aMissingFileIsAConfigException(@TempDir Path dir) {
        Path file = dir.resolve("absent.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("cannot read"),
                e.getMessage());
    }

    // ---- environment overrides

    @Test
    void httpRatesAndEnabledKeys() {
        HttpConfig http = ConfigLoader.parse("http:\n  enabled: false\n  rates-interval-ms: 1000\n  rates-samples: 60\n",
                Map.of()).http();
        assertEquals(new HttpConfig("0.0.0.0", 15672, false, 1000, 60, false), http);
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("http:\n  rates-interval-ms: 5\n", Map.of()));
        assertTrue(e.getMessage().contains("http.rates-interval-ms"), e.getMessage());
        ConfigException samples = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("http:\n  rates-samples: 1\n", Map.of()));
        assertTrue(samples.getMessage().contains("http.rates-samples"), samples.getMessage());
        assertEquals(false, ConfigLoader.parse("", Map.of("WHARF_HTTP_ENABLED", "false")).http().enabled());
    }

    @Test
    void httpTlsNeedsAServerKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("http:\n  tls: true\n", Map.of()));
        assertTrue(e.getMessage().contains("http.tls: true needs a server key"), e.getMessage());
        ConfigException notBoolean = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("http:\n  tls: yes\n", Map.of()));
        assertTrue(notBoolean.getMessage().contains("http.tls"), notBoolean.getMessage());
        HttpConfig http = ConfigLoader.parse("http:\n  tls: true\ntls:\n  key-store: server.p12\n", Map.of()).http();
        assertTrue(http.tls());
        assertEquals(false, ConfigLoader.parse("", Map.of()).http().tls());
    }

    @Test
    void envVariableNamesFollowTheKeys() {
        Map<String, String> variables = ConfigLoader.envVariables();
        assertEquals("WHARF_AMQP_PORT", variables.get("amqp.port"));
        assertEquals("WHARF_AMQP_IDLE_TIMEOUT_MS", variables.get("amqp.idle-timeout-ms"));
        assertEquals("WHARF_DATA_DIR", variables.get("data-dir"));
        assertEquals("WHARF_HTTP_PORT", variables.get("http.port"));
        assertEquals("WHARF_AUTH_ANONYMOUS", variables.get("auth.anonymous"));
        assertEquals("WHARF_QUEUES_AUTO_CREATE", variables.get("queues.auto-create"));
        assertEquals("WHARF_PLUGINS_ENABLED", variables.get("plugins.enabled"));
        assertFalse(variables.containsKey("auth.users"));
        assertFalse(variables.containsKey("plugins.settings"));
        assertEquals("WHARF_HTTP_RATES_INTERVAL_MS", variables.get("http.rates-interval-ms"));
        assertEquals("WHARF_STORE_DEDUP_WINDOW_SIZE", variables.get("store.dedup-window-size"));
        assertEquals("WHARF_HTTP_TLS", variables.get("http.tls"));
        assertEquals(42, variables.size()); // amqp 9, http 6, data-dir, store 5, limits 7, queues 1, vhosts, auth 1,
        // tls 9, plugins 2
        assertEquals(variables.size(), new HashSet<>(variables.values()).size());
    }

    @Test
    void everyScalarKeyCanComeFromTheEnvironment() {
        Map<String, String> env = Map.ofEntries(
                Map.entry("WHARF_AMQP_HOST", "10.0.0.1"),
                Map.entry("WHARF_AMQP_PORT", "5673"),
                Map.entry("WHARF_AMQP_MAX_FRAME_SIZE_BYTES", "4096"),
                Map.entry("WHARF_AMQP_CHANNEL_MAX", "10"),
                Map.entry("WHARF_AMQP_IDLE_TIMEOUT_MS", "30000"),
                Map.entry("WHARF_AMQP_MAX_MESSAGE_SIZE_BYTES", "1024"),
                Map.entry("WHARF_AMQP_LINK_CREDIT_WINDOW", "50"),
                Map.entry("WHARF_AMQP_NODE_NAME", "wharf@env"),
                Map.entry("WHARF_HTTP_HOST", "127.0.0.1"),
                Map.entry("WHARF_HTTP_PORT", "8080"),
                Map.entry("WHARF_DATA_DIR", "/srv/wharf"),
                Map.entry("WHARF_QUEUES_AUTO_CREATE", "false"),
                Map.entry("WHARF_AUTH_ANONYMOUS", "false"),
                Map.entry("WHARF_PLUGINS_DIR", "/opt/plugins"),
                Map.entry("WHARF_PLUGINS_ENABLED", " console, ,shovel ,"));
        BrokerConfig config = ConfigLoader.parse("amqp:\n  port: 5672\nqueues:\n  auto-create: true\n", env);

        assertEquals(new AmqpConfig("10.0.0.1", 5673, 4096, 10, 30000, 1024, 50, "wharf@env"), config.amqp());
        assertEquals(new HttpConfig("127.0.0.1", 8080), config.http());
        assertEquals(Path.of("/srv/wharf"), config.dataDir());
        assertFalse(config.queues().autoCreate());
        assertFalse(config.auth().anonymousEnabled());
        assertEquals(Path.of("/opt/plugins"), config.plugins().dir());
        assertEquals(List.of("console", "shovel"), config.plugins().enabled());
    }

    @Test
    void anEmptyPluginListFromTheEnvironmentDisablesAll() {
        BrokerConfig config = ConfigLoader.parse("plugins:\n  enabled: [console]\n",
                Map.of("WHARF_PLUGINS_ENABLED", ""));
        assertEquals(List.of(), config.plugins().enabled());
    }

    @Test
    void anEnvValueOverridesEvenABadFileValue() {
        BrokerConfig config = ConfigLoader.parse("amqp:\n  port: 70000\n", Map.of("WHARF_AMQP_PORT", "5673"));
        assertEquals(5673, config.amqp().port());
    }

    @Test
    void aBadEnvValueNamesTheVariable() {
        assertEquals(List.of("amqp.port (from WHARF_AMQP_PORT): \"x\" is not an integer"),
                errors("", Map.of("WHARF_AMQP_PORT", "x")));
        assertEquals(List.of("amqp.port (from WHARF_AMQP_PORT): \"70000\" is not a port number (0..65535)"),
                errors("", Map.of("WHARF_AMQP_PORT", "70000")));
        assertEquals(List.of("amqp.port (from WHARF_AMQP_PORT): \" 5672\" is not an integer"),
                errors("", Map.of("WHARF_AMQP_PORT", " 5672")));
        assertEquals(List.of("auth.anonymous (from WHARF_AUTH_ANONYMOUS): \"yes\" is not a boolean (true or false)"),
                errors("", Map.of("WHARF_AUTH_ANONYMOUS", "yes")));
        assertEquals(List.of("data-dir (from WHARF_DATA_DIR): \"\" is empty"),
                errors("", Map.of("WHARF_DATA_DIR", "")));
    }

    @Test
    void otherWharfVariablesAreIgnored() {
        Map<String, String> env = Map.of(
                "WHARF_CONF", "/etc/wharf/wharf.yaml",
                "WHARF_AMQP_PROT", "1",
                "WHARF_AUTH_USERS", "guest",
                "WHARF_PLUGINS_SETTINGS", "x",
                "PATH", "/usr/bin");
        assertEquals(ConfigLoader.defaults(), ConfigLoader.parse("", env));
    }

    // ---- the shipped file

    @Test
    void theShippedConfigLoadsAndItsGuestPasswordIsGuest() {
        // surefire runs in the amqp-server module folder, so the repository root is one level up
        BrokerConfig config = ConfigLoader.load(Path.of("../conf/wharf.yaml"), Map.of());
        BrokerConfig defaults = ConfigLoader.defaults();

        assertEquals(defaults.amqp(), config.amqp());
        assertEquals(defaults.http(), config.http());
        assertEquals(defaults.dataDir(), config.dataDir());
        assertEquals(defaults.queues(), config.queues());
        assertEquals(defaults.vhosts(), config.vhosts());
        // The shipped file starts the plugins that serve the console, the REST API and /metrics.
        assertEquals(List.of("management", "prometheus"), config.plugins().enabled());
        assertEquals(defaults.plugins().dir(), config.plugins().dir());
        assertEquals(defaults.plugins().settings(), config.plugins().settings());
        assertTrue(config.auth().anonymousEnabled());

        List<UserConfig> users = config.auth().users();
        assertEquals(1, users.size());
        UserConfig guest = users.get(0);
        assertEquals("guest", guest.name());
        assertTrue(guest.loopbackOnly());
        assertTrue(PasswordHash.verify("guest".toCharArray(), guest.passwordHash()));
    }

    // ---- queue policies

    @Test
    void queuePoliciesApplyByFirstMatchingPattern() {
        BrokerConfig config = ConfigLoader.parse("""
                queues:
                  policies:
                    - pattern: ^jobs\\.
                      arguments: {x-max-priority: 10, x-dead-letter-exchange: dlx}
                    - pattern: .
                      arguments: {x-message-ttl: 1000}
                """, Map.of());
        assertEquals(Map.of("x-max-priority", 10L, "x-dead-letter-exchange", "dlx"),
                config.queues().argumentsFor("jobs.high"));
        assertEquals(Map.of("x-message-ttl", 1000L), config.queues().argumentsFor("other"));
    }

    @Test
    void badQueuePoliciesNameTheEntry() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                queues:
                  policies:
                    - pattern: "(unclosed"
                      arguments: {}
                    - pattern: ok
                      arguments: {x-max-length: lots}
                """, Map.of()));
        assertTrue(e.getMessage().contains("queues.policies[0].pattern"), e.getMessage());
        assertTrue(e.getMessage().contains("queues.policies[1].arguments.x-max-length"), e.getMessage());
    }

    @Test
    void streamPoliciesAreCheckedAsStreams() {
        BrokerConfig config = ConfigLoader.parse("""
                queues:
                  policies:
                    - pattern: ^logs\\.
                      arguments: {x-queue-type: stream, x-max-age: 7D, x-max-length-bytes: 1000000}
                """, Map.of());
        assertEquals(Map.of("x-queue-type", "stream", "x-max-age", "7D", "x-max-length-bytes", 1000000L),
                config.queues().argumentsFor("logs.app"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                queues:
                  policies:
                    - pattern: ^logs\\.
                      arguments: {x-queue-type: stream, x-max-age: 7 days}
                """, Map.of()));
        assertTrue(e.getMessage().contains("queues.policies[0].arguments"), e.getMessage());
        assertTrue(e.getMessage().contains("7 days"), e.getMessage());
    }

    // ---- queues declared at start

    @Test
    void declaredQueuesAndPartitionedStreamsAreReadAndChecked() {
        BrokerConfig config = ConfigLoader.parse("""
                queues:
                  declare:
                    - name: orders
                      arguments: {x-queue-type: stream, x-partitions: 6, x-max-age: 7D}
                    - name: jobs
                      vhost: other
                """, Map.of());
        assertEquals(List.of(
                new QueueDeclaration("/", "orders", Map.of("x-queue-type", "stream", "x-partitions", 6L,
                        "x-max-age", "7D")),
                new QueueDeclaration("other", "jobs", Map.of())), config.queues().declared());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                queues:
                  declare:
                    - name: orders
                      arguments: {x-partitions: 0}
                    - arguments: {}
                    - name: logs
                      arguments: {x-partitions: 2, x-max-age: 7 days}
                """, Map.of()));
        assertTrue(e.getMessage().contains("queues.declare[0].arguments.x-partitions"), e.getMessage());
        assertTrue(e.getMessage().contains("queues.declare[1].name"), e.getMessage());
        assertTrue(e.getMessage().contains("queues.declare[2].arguments"), e.getMessage());
        assertTrue(e.getMessage().contains("7 days"), e.getMessage());
    }
}
