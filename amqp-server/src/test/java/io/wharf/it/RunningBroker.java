package io.wharf.it;

import io.wharf.broker.Broker;
import io.wharf.broker.config.BrokerConfig;
import io.wharf.broker.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real broker on a free port for integration tests, configured from YAML text (the same loader as
 * production). Close it to stop it.
 */
public final class RunningBroker implements AutoCloseable {

    /** A PBKDF2 hash of the password "secret", for test users. */
    public static final String SECRET_HASH = io.wharf.amqp.sasl.PasswordHash.hash("secret".toCharArray());

    private final Broker broker;

    private RunningBroker(Broker broker) {
        this.broker = broker;
    }

    /** Starts a broker with {@code extraYaml} (may be empty) on a free port, data in {@code dataDir}. */
    public static RunningBroker start(Path dataDir, String extraYaml) throws Exception {
        return start(dataDir, "", extraYaml);
    }

    /**
     * Like {@link #start(Path, String)}, with more keys in the {@code amqp} section (which this class writes
     * itself, so {@code extraYaml} cannot have one): {@code amqpKeys} holds unindented {@code key: value} lines,
     * e.g. {@code "max-frame-size-bytes: 4096\n"}.
     */
    public static RunningBroker start(Path dataDir, String amqpKeys, String extraYaml) throws Exception {
        StringBuilder amqp = new StringBuilder("amqp:\n  port: 0\n  host: 127.0.0.1\n");
        amqpKeys.lines().forEach(line -> amqp.append("  ").append(line).append('\n'));
        String yaml = amqp + "data-dir: " + dataDir + "\n" + extraYaml;
        BrokerConfig config = ConfigLoader.parse(yaml, Map.of());
        return new RunningBroker(Broker.start(config));
    }

    /** A broker with the test user {@code alice}/{@code secret} and anonymous access on. */
    public static RunningBroker withTestUser(Path dataDir, String extraYaml) throws Exception {
        return withTestUser(dataDir, "", extraYaml);
    }

    /** {@link #withTestUser(Path, String)} with more {@code amqp} keys, as in {@link #start(Path, String, String)}. */
    public static RunningBroker withTestUser(Path dataDir, String amqpKeys, String extraYaml) throws Exception {
        return start(dataDir, amqpKeys, testUserAuth(true) + extraYaml);
    }

    /** An {@code auth} section with the user alice/secret, and anonymous access on or off. */
    public static String testUserAuth(boolean anonymous) {
        return "auth:\n  anonymous: " + anonymous + "\n  users:\n    - name: alice\n      password-hash: \""
                + SECRET_HASH + "\"\n";
    }

    public int port() {
        return broker.amqpPort();
    }

    public String jmsUri() {
        return "amqp://127.0.0.1:" + port();
    }

    public Broker broker() {
        return broker;
    }

    @Override
    public void close() {
        broker.close();
    }
}
