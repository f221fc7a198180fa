package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.amqp.ByteCapacity;
import com.rabbitmq.client.amqp.Connection;
import com.rabbitmq.client.amqp.ConsumerBuilder;
import com.rabbitmq.client.amqp.Environment;
import com.rabbitmq.client.amqp.Management;
import com.rabbitmq.client.amqp.Message;
import com.rabbitmq.client.amqp.Publisher;
import com.rabbitmq.client.amqp.impl.AmqpEnvironmentBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.ReceiverOptions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream queues (issue 7) through real clients: declared with the RabbitMQ AMQP 1.0 Java client's management API,
 * replayed from {@code first}, an offset, a timestamp, {@code next} and {@code last} with the exact
 * {@code x-stream-offset} of every delivery, size retention deleting old segments under a running consumer, a
 * restart keeping the stream, and the offset filter echoed (protonj2) only when applied.
 */
@Timeout(90)
class StreamIT {

    private static final String OFFSET = "x-stream-offset";

    @TempDir
    Path dataDir;
    RunningBroker broker;
    Environment environment;

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, "");
        environment = new AmqpEnvironmentBuilder().build();
    }

    @AfterEach
    void stop() {
        environment.close();
        if (broker != null) {
            broker.close();
        }
    }

    private Connection connect() {
        return environment.connectionBuilder().host("127.0.0.1").port(broker.port()).username("alice")
                .password("secret").recovery().activated(false).connectionBuilder().build();
    }

    private static void publish(Connection connection, String stream, int from, int to, int padBytes)
            throws InterruptedException {
        Publisher publisher = connection.publisherBuilder().queue(stream).build();
        CountDownLatch accepted = new CountDownLatch(to - from);
        List<Publisher.Status> refused = new CopyOnWriteArrayList<>();
        for (int i = from; i < to; i++) {
            String body = "m" + i + (padBytes > 0 ? " " + "x".repeat(padBytes) : "");
            publisher.publish(publisher.message(body.getBytes(StandardCharsets.UTF_8)), context -> {
                if (context.status() != Publisher.Status.ACCEPTED) {
                    refused.add(context.status());
                }
                accepted.countDown();
            });
        }
        assertTrue(accepted.await(20, TimeUnit.SECONDS), "publish outcomes");
        assertEquals(List.of(), refused);
        publisher.close();
    }

    /** A received message: its offset and the first word of its body. */
    record Received(long offset, String body) {
    }

    /** A consumer of {@code stream} set up by {@code offset}, recording what it gets (accepting each). */
    private static BlockingQueue<Received> consume(Connection connection, String stream,
            UnaryOperator<ConsumerBuilder.StreamOptions> offset, List<AutoCloseable> toClose) {
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        ConsumerBuilder builder = connection.consumerBuilder().queue(stream).messageHandler((context, message) -> {
            received.add(received(message));
            context.accept();
        });
        toClose.add(offset.apply(builder.stream()).builder().build());
        return received;
    }

    private static Received received(Message message) {
        Object offset = message.annotation(OFFSET);
        String body = new String(message.body(), StandardCharsets.UTF_8).split(" ")[0];
        return new Received(offset instanceof Long l ? l : -1, body);
    }

    private static List<Received> take(BlockingQueue<Received> received, int count) throws InterruptedException {
        List<Received> got = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Received r = received.poll(10, TimeUnit.SECONDS);
            if (r == null) {
                break;
            }
            got.add(r);
        }
        return got;
    }

    private static List<Received> expected(long from, long to) {
        List<Received> expected = new ArrayList<>();
        for (long i = from; i < to; i++) {
            expected.add(new Received(i, "m" + i));
        }
        return expected;
    }

    private static void closeAll(List<AutoCloseable> closeables) throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    @Test
    void declaredWithTheRabbitMqClientAndConsumedFromFirst() throws Exception {
        try (Connection connection = connect()) {
            Management management = connection.management();
            Management.QueueInfo info = management.queue("events").type(Management.QueueType.STREAM).declare();
            assertEquals(Management.QueueType.STREAM, info.type());
            assertEquals(Management.QueueType.STREAM, management.queueInfo("events").type());
            publish(connection, "events", 0, 5, 0);

            List<AutoCloseable> consumers = new ArrayList<>();
            BlockingQueue<Received> first = consume(connection, "events",
                    s -> s.offset(ConsumerBuilder.StreamOffsetSpecification.FIRST), consumers);
            assertEquals(expected(0, 5), take(first, 5));
            // a consumer that caught up is pushed new messages; accepting removed nothing
            publish(connection, "events", 5, 7, 0);
            assertEquals(expected(5, 7), take(first, 2));
            assertEquals(7, management.queueInfo("events").messageCount());

            BlockingQueue<Received> again = consume(connection, "events",
                    s -> s.offset(ConsumerBuilder.StreamOffsetSpecification.FIRST), consumers);
            assertEquals(expected(0, 7), take(again, 7));
            closeAll(consumers);
        }
    }

    @Test
    void replaysFromFirstAnOffsetATimestampNextLastAndAnInterval() throws Exception {
        try (Connection connection = connect()) {
            connection.management().queue("replay").type(Management.QueueType.STREAM).declare();
            publish(connection, "replay", 0, 5, 0);
            Instant mark = Instant.now().plusMillis(2);
            Awaitility.await().atMost(1, TimeUnit.SECONDS).until(() -> Instant.now().isAfter(mark));
            publish(connection, "replay", 5, 8, 0);

            List<AutoCloseable> consumers = new ArrayList<>();
            BlockingQueue<Received> first = consume(connection, "replay",
                    s -> s.offset(ConsumerBuilder.StreamOffsetSpecification.FIRST), consumers);
            BlockingQueue<Received> fromOffset = consume(connection, "replay", s -> s.offset(3L), consumers);
            BlockingQueue<Received> fromTimestamp = consume(connection, "replay", s -> s.offset(mark), consumers);
            BlockingQueue<Received> fromInterval = consume(connection, "replay", s -> s.offset("10m"), consumers);
            BlockingQueue<Received> last = consume(connection, "replay",
                    s -> s.offset(ConsumerBuilder.StreamOffsetSpecification.LAST), consumers);
            BlockingQueue<Received> next = consume(connection, "replay",
                    s -> s.offset(ConsumerBuilder.StreamOffsetSpecification.NEXT), consumers);

            assertEquals(expected(0, 8), take(first, 8));
            assertEquals(expected(3, 8), take(fromOffset, 5));
            assertEquals(expected(5, 8), take(fromTimestamp, 3));
            assertEquals(expected(0, 8), take(fromInterval, 8));
            assertEquals(expected(7, 8), take(last, 1));
            // next: only what is published after the attach (the consumers above are attached by now)
            publish(connection, "replay", 8, 10, 0);
            assertEquals(expected(8, 10), take(next, 2));
            assertEquals(expected(8, 10), take(first, 2));
            assertEquals(expected(8, 10), take(fromOffset, 2));
            assertTrue(next.isEmpty() && first.isEmpty(), "nothing else");
            closeAll(consumers);
        }
    }

    @Test
    void sizeRetentionDeletesOldSegmentsWhileAConsumerKeepsGoing() throws Exception {
        try (Connection connection = connect()) {
            connection.management().queue("retained").type(Management.QueueType.STREAM)
                    .maxLengthBytes(ByteCapacity.B(30_000)).stream().maxSegmentSizeBytes(ByteCapacity.B(4096))
                    .queue().declare();
            List<AutoCloseable> consumers = new ArrayList<>();
            BlockingQueue<Received> reader = consume(connection, "retained",
                    s -> s.offset(ConsumerBuilder.StreamOffsetSpecification.FIRST), consumers);
            publish(connection, "retained", 0, 100, 1000);
            List<Received> got = take(reader, 100);
            assertEquals(expected(0, 100), got, "a consumer reading along misses nothing");

            // about 100 KB published into 4 KB segments, 30 KB retained: old segments go within the timer period
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> segmentBytes() <= 30_000 + 2 * 4096);
            publish(connection, "retained", 100, 110, 1000);
            assertEquals(expected(100, 110), take(reader, 10));

            BlockingQueue<Received> late = consume(connection, "retained",
                    s -> s.offset(ConsumerBuilder.StreamOffsetSpecification.FIRST), consumers);
            Received oldest = late.poll(10, TimeUnit.SECONDS);
            assertTrue(oldest != null && oldest.offset() > 40, "first retained offset " + oldest);
            BlockingQueue<Received> deleted = consume(connection, "retained", s -> s.offset(0L), consumers);
            // offset 0 was deleted: it starts at the oldest retained (retention may have moved on meanwhile)
            Received start = deleted.poll(10, TimeUnit.SECONDS);
            assertTrue(start != null && start.offset() >= oldest.offset() && start.offset() < 110, "start " + start);
            assertEquals("m" + start.offset(), start.body());
            closeAll(consumers);
        }
    }

    /** Bytes of the segment files on disk; retention may delete files while this looks (then it counts 0). */
    private long segmentBytes() throws Exception {
        long total = 0;
        try (Stream<Path> files = Files.walk(dataDir.resolve("queues"))) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                try {
                    total += Files.size(p);
                } catch (java.nio.file.NoSuchFileException deleted) {
                    // gone meanwhile
                }
            }
        } catch (java.io.UncheckedIOException deletedWhileWalking) {
            return Long.MAX_VALUE;
        }
        return total;
    }

    @Test
    void aRestartKeepsTheStream() throws Exception {
        try (Connection connection = connect()) {
            connection.management().queue("kept").type(Management.QueueType.STREAM)
                    .stream().maxAge(Duration.ofDays(7)).queue().declare();
            publish(connection, "kept", 0, 3, 0);
        }
        broker.close();
        broker = RunningBroker.withTestUser(dataDir, "");
        try (Connection connection = connect()) {
            Management.QueueInfo info = connection.management().queueInfo("kept");
            assertEquals(Management.QueueType.STREAM, info.type());
            assertEquals("604800s", String.valueOf(info.arguments().get("x-max-age")));
            publish(connection, "kept", 3, 4, 0);
            List<AutoCloseable> consumers = new ArrayList<>();
            BlockingQueue<Received> first = consume(connection, "kept",
                    s -> s.offset(ConsumerBuilder.StreamOffsetSpecification.FIRST), consumers);
            assertEquals(expected(0, 4), take(first, 4));
            closeAll(consumers);
        }
    }

    /** Receives {@code count} messages on a named consumer and accepts those up to {@code acceptUpTo}. */
    private static List<Long> receiveNamed(org.apache.qpid.protonj2.client.Connection connection, String name,
            int count, long acceptUpTo) throws Exception {
        ReceiverOptions options = new ReceiverOptions().autoAccept(false).creditWindow(count);
        options.properties(java.util.Map.of("wharf:consumer-name", name));
        options.sourceOptions().addFilter("rabbitmq:stream-offset-spec", "rabbitmq:stream-offset-spec", "first");
        Receiver receiver = connection.openReceiver("/queues/named", options);
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Delivery delivery = receiver.receive(10, TimeUnit.SECONDS);
            assertTrue(delivery != null, "delivery " + i);
            long offset = (Long) delivery.message().annotation(OFFSET);
            offsets.add(offset);
            if (offset <= acceptUpTo) {
                delivery.accept();
            }
        }
        receiver.closeAsync().get(5, TimeUnit.SECONDS);
        return offsets;
    }

    @Test
    void aNamedConsumerResumesAfterItsLastSettledOffsetAcrossAReconnectAndARestartAndManagementSetsIt() throws Exception {
        try (Connection rabbit = connect()) {
            rabbit.management().queue("named").type(Management.QueueType.STREAM).declare();
            publish(rabbit, "named", 0, 20, 0);
        }
        ConnectionOptions login = new ConnectionOptions().user("alice").password("secret");
        try (Client client = Client.create()) {
            try (org.apache.qpid.protonj2.client.Connection connection = client.connect("127.0.0.1",
                    broker.port(), login)) {
                assertEquals(List.of(0L, 1L, 2L, 3L, 4L), receiveNamed(connection, "audit", 5, 3));
                // another name has its own position
                assertEquals(List.of(0L, 1L), receiveNamed(connection, "billing", 2, 1));
            }
            try (org.apache.qpid.protonj2.client.Connection connection = client.connect("127.0.0.1",
                    broker.port(), login)) {
                // reconnect: after the last settled (3), although the filter says first
                assertEquals(List.of(4L, 5L, 6L), receiveNamed(connection, "audit", 3, 6));
            }
            broker.close();
            broker = RunningBroker.withTestUser(dataDir, "");
            try (org.apache.qpid.protonj2.client.Connection connection = client.connect("127.0.0.1",
                    broker.port(), login)) {
                assertEquals(List.of(7L, 8L), receiveNamed(connection, "audit", 2, 8));
                assertEquals(List.of(2L), receiveNamed(connection, "billing", 1, 2));

                // read and set through the management link pair
                try (ManagementClient management = new ManagementClient(connection)) {
                    ManagementClient.Response audit = management.call("GET", "/queues/named/offsets/audit", null);
                    assertEquals(200, audit.status());
                    assertEquals(java.util.Map.of("consumer", "audit", "offset", 8L), audit.body());
                    assertEquals(404, management.call("GET", "/queues/named/offsets/nobody", null).status());
                    assertEquals(404, management.call("GET", "/queues/missing/offsets/audit", null).status());
                    assertEquals(200, management.call("PUT", "/queues/named/offsets/audit",
                            java.util.Map.of("offset", 1L)).status());
                    assertEquals(400, management.call("PUT", "/queues/named/offsets/audit",
                            java.util.Map.of("offset", "one")).status());
                }
                assertEquals(List.of(2L, 3L), receiveNamed(connection, "audit", 2, -1));
            }
        }
    }

    @Test
    void aPolicyMakesAutoCreatedQueuesStreams() throws Exception {
        broker.close();
        broker = RunningBroker.withTestUser(dataDir, "queues:\n  policies:\n    - pattern: ^logs\\.\n"
                + "      arguments: {x-queue-type: stream, x-max-age: 7D}\n");
        try (Connection connection = connect()) {
            publish(connection, "logs.app", 0, 3, 0); // auto-created by the address
            assertEquals(Management.QueueType.STREAM, connection.management().queueInfo("logs.app").type());
            List<AutoCloseable> consumers = new ArrayList<>();
            BlockingQueue<Received> one = consume(connection, "logs.app",
                    s -> s.offset(ConsumerBuilder.StreamOffsetSpecification.FIRST), consumers);
            BlockingQueue<Received> two = consume(connection, "logs.app",
                    s -> s.offset(ConsumerBuilder.StreamOffsetSpecification.FIRST), consumers);
            assertEquals(expected(0, 3), take(one, 3));
            assertEquals(expected(0, 3), take(two, 3));
            closeAll(consumers);
        }
    }

    @Test
    void theOffsetFilterIsEchoedOnlyWhenApplied() throws Exception {
        try (Connection rabbit = connect()) {
            rabbit.management().queue("echo-stream").type(Management.QueueType.STREAM).declare();
            rabbit.management().queue("echo-classic").declare();
            publish(rabbit, "echo-stream", 0, 2, 0);
        }
        try (Client client = Client.create();
                org.apache.qpid.protonj2.client.Connection connection = client.connect("127.0.0.1", broker.port(),
                        new ConnectionOptions().user("alice").password("secret"))) {
            ReceiverOptions options = new ReceiverOptions();
            options.sourceOptions().addFilter("rabbitmq:stream-offset-spec", "rabbitmq:stream-offset-spec", 1L);
            Receiver stream = connection.openReceiver("/queues/echo-stream", options).openFuture()
                    .get(5, TimeUnit.SECONDS);
            assertTrue(stream.source().filters().containsKey("rabbitmq:stream-offset-spec"),
                    "filters " + stream.source().filters());
            Delivery delivery = stream.receive(5, TimeUnit.SECONDS);
            assertEquals(1L, delivery.message().annotation(OFFSET));

            Receiver classic = connection.openReceiver("/queues/echo-classic", options).openFuture()
                    .get(5, TimeUnit.SECONDS);
            assertFalse(classic.source().filters() != null
                    && classic.source().filters().containsKey("rabbitmq:stream-offset-spec"),
                    "filters " + classic.source().filters());
        }
    }
}
