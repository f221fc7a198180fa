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
        String yaml = "amqp:\n  port: 0\n  host: 127.0.0.1\n" + "data-dir: " + dataDir + "\n" + extraYaml;
        BrokerConfig config = ConfigLoader.parse(yaml, Map.of());
        return new RunningBroker(Broker.start(config));
    }

    /** A broker with the test user {@code alice}/{@code secret} and anonymous access on. */
    public static RunningBroker withTestUser(Path dataDir, String extraYaml) throws Exception {
        return start(dataDir, "auth:\n  anonymous: true\n  users:\n    - name: alice\n      password-hash: \""
                + SECRET_HASH + "\"\n" + extraYaml);
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
