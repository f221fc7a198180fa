package io.wharf.bench.perf;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.utils.VersionLoader;

/**
 * Apache ActiveMQ Artemis for the comparison, in a JVM of its own (started by {@link ForkedBroker}):
 * persistence on, every store directory under the given folder (the same disk as Wharf's data), the journal type
 * and sync settings left at Artemis' defaults (ASYNCIO when libaio is installed, else NIO; sync on commit and on
 * durable sends), security off, one acceptor speaking only AMQP on a free loopback port. Addresses are
 * auto-created, anycast or multicast as the client's terminus capability ({@code queue}/{@code topic}) says.
 *
 * <pre>java -cp wharf-bench.jar io.wharf.bench.perf.ArtemisMain DATA_DIR [PORT]</pre>
 *
 * Prints {@code listening for AMQP on 127.0.0.1:<port>} once started; SIGTERM stops it.
 */
public final class ArtemisMain {

    private ArtemisMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ArtemisMain DATA_DIR [PORT]");
            System.exit(2);
        }
        Path data = Path.of(args[0]).toAbsolutePath();
        int port = args.length > 1 ? Integer.parseInt(args[1]) : freeLoopbackPort();

        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("artemis-wharf-perf");
        config.setPersistenceEnabled(true);
        config.setSecurityEnabled(false);
        config.setJMXManagementEnabled(false);
        config.setJournalDirectory(data.resolve("journal").toString());
        config.setBindingsDirectory(data.resolve("bindings").toString());
        config.setPagingDirectory(data.resolve("paging").toString());
        config.setLargeMessagesDirectory(data.resolve("large-messages").toString());
        config.setNodeManagerLockDirectory(data.toString());
        config.addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + port + "?protocols=AMQP");

        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(config);
        server.start();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (Exception e) {
                System.err.println("Artemis did not stop cleanly: " + e);
            }
            stopped.countDown();
        }, "artemis-shutdown"));
        System.out.println("Artemis " + VersionLoader.getVersion().getFullVersion() + " (journal "
                + server.getActiveMQServer().getConfiguration().getJournalType() + ", sync transactional "
                + config.isJournalSyncTransactional() + ", sync non-transactional "
                + config.isJournalSyncNonTransactional() + ") listening for AMQP on 127.0.0.1:" + port);
        stopped.await();
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
