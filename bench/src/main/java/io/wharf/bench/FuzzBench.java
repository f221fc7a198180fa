package io.wharf.bench;

import io.wharf.amqp.fuzz.DecoderFuzz;
import io.wharf.amqp.fuzz.FuzzReport;
import io.wharf.amqp.fuzz.LiveFuzz;
import io.wharf.broker.Broker;
import io.wharf.broker.config.ConfigLoader;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.qpid.jms.JmsConnectionFactory;

/**
 * The fuzzers of the test suite, run for longer:
 * <pre>
 *   java -cp bench/target/wharf-bench.jar io.wharf.bench.FuzzBench &lt;seconds&gt; [threads] [seed]
 * </pre>
 * The first half of the time feeds mutated frames to the decoders in-process ({@link DecoderFuzz}); the second
 * half sends them over sockets ({@link LiveFuzz}, {@code threads} senders, default 4) to a broker started in this
 * JVM (anonymous access, data in a temporary folder), while a Qpid JMS client sends and receives one message at a
 * time beside them. Prints both reports; exits 1 when either found a failure or the JMS client stopped.
 */
public final class FuzzBench {

    private FuzzBench() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 60;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : System.nanoTime();
        System.out.println("FuzzBench: " + seconds + " s, " + threads + " live senders, seed " + seed);

        FuzzReport decoder = DecoderFuzz.run(seconds * 500, seed);
        System.out.println("in-process: " + decoder);

        Path dataDir = Files.createTempDirectory("wharf-fuzz");
        Broker broker = Broker.start(ConfigLoader.parse("amqp:\n  port: 0\n  host: 127.0.0.1\ndata-dir: " + dataDir
                + "\nstore:\n  fsync: never\n", Map.of()));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong roundTrips = new AtomicLong();
        AtomicReference<Throwable> clientFailure = new AtomicReference<>();
        Thread client = new Thread(() -> {
            try (Connection connection = new JmsConnectionFactory("amqp://127.0.0.1:" + broker.amqpPort())
                    .createConnection()) {
                connection.start();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue queue = session.createQueue("steady");
                MessageProducer producer = session.createProducer(queue);
                MessageConsumer consumer = session.createConsumer(queue);
                while (running.get()) {
                    producer.send(session.createTextMessage("steady"));
                    if (consumer.receive(30_000) == null) {
                        throw new IllegalStateException("a message sent was not received within 30 s");
                    }
                    roundTrips.incrementAndGet();
                }
            } catch (Throwable t) {
                clientFailure.set(t);
            }
        }, "well-behaved-client");
        client.start();
        FuzzReport live;
        try {
            live = LiveFuzz.run("127.0.0.1", broker.amqpPort(), seconds * 500, threads, seed);
        } finally {
            running.set(false);
            client.join(60_000);
            broker.close();
        }
        System.out.println("live: " + live + "; JMS round trips beside it " + roundTrips.get()
                + (clientFailure.get() == null ? "" : "; JMS CLIENT FAILED: " + clientFailure.get()));
        boolean ok = decoder.failures().isEmpty() && live.failures().isEmpty() && clientFailure.get() == null
                && roundTrips.get() > 0;
        System.out.println(ok ? "FuzzBench: nothing crashed" : "FuzzBench: FAILED");
        System.exit(ok ? 0 : 1);
    }
}
