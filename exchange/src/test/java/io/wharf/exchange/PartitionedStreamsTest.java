package io.wharf.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.exchange.PartitionedStreams.PartitionedStream;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueRegistry;
import io.wharf.store.queue.QueueStorage;
import io.wharf.store.queue.QueueThreads;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Partition hashing, the {@code x-partition} exchange, and declaring/deleting partitioned streams on a topology. */
@Timeout(30)
class PartitionedStreamsTest {

    private final QueueThreads threads = new QueueThreads(1);
    private final QueueRegistry queues = new QueueRegistry(threads, QueueStorage.MEMORY);
    private final Topology topology = new Topology("/", queues, TopologyStore.inMemory(), true);

    @AfterEach
    void stop() {
        queues.closeAll().join();
        threads.close();
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    private static TopologyException failure(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        return (TopologyException) e.getCause();
    }

    private static QueueDefinition stream(String name, Map<String, Object> arguments) {
        return new QueueDefinition("/", name, "classic", true, false, false, arguments);
    }

    @Test
    void murmur3MatchesTheReferenceVectors() {
        assertEquals(0, PartitionHash.murmur3(new byte[0], 0));
        assertEquals(0x514E28B7, PartitionHash.murmur3(new byte[0], 1));
        assertEquals(0xba6bd213, PartitionHash.murmur3("test".getBytes(StandardCharsets.UTF_8), 0));
        assertEquals(0x2e4ff723, PartitionHash.murmur3(
                "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8), 0));
        assertEquals(0xfaf6cdb3, PartitionHash.murmur3("Hello, world!".getBytes(StandardCharsets.UTF_8), 1234));
    }

    @Test
    void keysSpreadOverEveryPartitionAndStayPut() {
        Set<Integer> hit = new HashSet<>();
        for (int k = 0; k < 1000; k++) {
            int p = PartitionHash.partition("key-" + k, 6);
            assertTrue(p >= 0 && p < 6);
            assertEquals(p, PartitionHash.partition("key-" + k, 6));
            hit.add(p);
        }
        assertEquals(6, hit.size());
        assertEquals(PartitionHash.partition("", 6), PartitionHash.partition(null, 6));
    }

    @Test
    void declaringMakesAnExchangePartitionStreamsAndBindingsThatRouteByKey() throws Exception {
        PartitionedStreams.Declared declared = await(PartitionedStreams.declare(topology,
                stream("orders", Map.of("x-partitions", 3L, "x-max-age", "7D"))));
        assertTrue(declared.created());
        PartitionedStream orders = declared.stream();
        assertEquals(3, orders.partitionCount());
        for (int p = 0; p < 3; p++) {
            assertEquals("orders-" + p, orders.partitions().get(p).name());
            assertEquals(Map.of("x-queue-type", "stream", "x-max-age", "7D"),
                    orders.partitions().get(p).definition().arguments());
            assertEquals("stream", orders.partitions().get(p).definition().type());
        }
        assertEquals("x-partition", topology.exchange("orders").definition().type());
        for (int k = 0; k < 50; k++) {
            RoutedQueues out = new RoutedQueues();
            topology.route(topology.exchange("orders"), "k" + k, MessageHeaders.NONE, out);
            assertEquals(1, out.size());
            assertEquals("orders-" + PartitionHash.partition("k" + k, 3), out.get(0).name());
        }
        assertFalse(await(PartitionedStreams.declare(topology,
                stream("orders", Map.of("x-partitions", 3L, "x-max-age", "7D")))).created());
        assertEquals(TopologyException.Reason.PRECONDITION_FAILED, failure(PartitionedStreams.declare(topology,
                stream("orders", Map.of("x-partitions", 4L)))).reason());
        assertNull(queues.get("orders-3"), "a refused redeclare adds no partition");
    }

    @Test
    void badDeclarationsAreRefused() throws Exception {
        assertEquals(TopologyException.Reason.BAD_REQUEST, failure(PartitionedStreams.declare(topology,
                stream("s", Map.of("x-partitions", "six")))).reason());
        assertEquals(TopologyException.Reason.BAD_REQUEST, failure(PartitionedStreams.declare(topology,
                stream("s", Map.of("x-partitions", 2000L)))).reason());
        assertEquals(TopologyException.Reason.BAD_REQUEST, failure(PartitionedStreams.declare(topology,
                stream("s", Map.of("x-partitions", 2L, "x-queue-type", "classic")))).reason());
        assertEquals(TopologyException.Reason.BAD_REQUEST, failure(PartitionedStreams.declare(topology,
                new QueueDefinition("/", "s", "classic", true, true, false, Map.of("x-partitions", 2L)))).reason());
        await(topology.declareQueue(stream("plain", Map.of())));
        assertEquals(TopologyException.Reason.PRECONDITION_FAILED, failure(PartitionedStreams.declare(topology,
                stream("plain", Map.of("x-partitions", 2L)))).reason());
        assertNull(PartitionedStreams.find(topology, "plain"));
    }

    @Test
    void deletingTakesThePartitionsAndTheExchange() throws Exception {
        await(PartitionedStreams.declare(topology, stream("orders", Map.of("x-partitions", 2L))));
        assertNotNull(PartitionedStreams.find(topology, "orders"));
        assertEquals(0L, await(PartitionedStreams.delete(topology, "orders")));
        assertNull(PartitionedStreams.find(topology, "orders"));
        assertNull(topology.exchange("orders"));
        assertNull(queues.get("orders-0"));
        assertNull(queues.get("orders-1"));
        assertNull(await(PartitionedStreams.delete(topology, "orders")));
    }

    @Test
    void thePartitionExchangeIsNotPredeclared() {
        assertNull(topology.exchange("amq.x-partition"));
        assertNotNull(topology.exchange("amq.direct"));
    }
}
