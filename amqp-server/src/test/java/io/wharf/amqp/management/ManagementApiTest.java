package io.wharf.amqp.management;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.exchange.Topology;
import io.wharf.exchange.TopologyStore;
import io.wharf.store.queue.QueueRegistry;
import io.wharf.store.queue.QueueStorage;
import io.wharf.store.queue.QueueThreads;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The management API's paths, bodies, status codes and response maps, without links. */
@Timeout(30)
class ManagementApiTest {

    private final QueueThreads threads = new QueueThreads(1);
    private final QueueRegistry queues = new QueueRegistry(threads, QueueStorage.MEMORY);
    private final Topology topology = new Topology("/", queues, TopologyStore.inMemory(), true);
    private final ManagementApi api = new ManagementApi(topology, "wharf@test", ManagementApi.VirtualHostAdmin.NONE);
    private final List<String> exclusive = new ArrayList<>();

    @AfterEach
    void stop() {
        queues.closeAll().join();
        threads.close();
    }

    private ManagementResponse call(String method, String target, Object body) throws Exception {
        return api.handle(new ManagementRequest("id", method, target, body), exclusive::add)
                .get(10, TimeUnit.SECONDS);
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    @SuppressWarnings("unchecked")
    void queueLifecycle() throws Exception {
        Map<String, Object> body = map("durable", true, "exclusive", false, "auto_delete", false,
                "arguments", map("x-max-length", 10L, "x-queue-type", Symbol.valueOf("quorum")));
        ManagementResponse created = call("PUT", "/queues/orders%2Feu", body);
        assertEquals(201, created.status());
        Map<String, Object> info = (Map<String, Object>) created.body();
        assertEquals("orders/eu", info.get("name"));
        assertEquals("/", info.get("vhost"));
        assertEquals("quorum", info.get("type"));
        assertEquals(UnsignedLong.ZERO, info.get("message_count"));
        assertEquals(UnsignedInteger.ZERO, info.get("consumer_count"));
        assertEquals("wharf@test", info.get("leader"));
        assertArrayEquals(new String[] {"wharf@test"}, (String[]) info.get("replicas"));
        assertEquals(10L, ((Map<String, Object>) info.get("arguments")).get("x-max-length"));

        assertEquals(200, call("PUT", "/queues/orders%2Feu", body).status());
        ManagementResponse conflict = call("PUT", "/queues/orders%2Feu", map("durable", false));
        assertEquals(409, conflict.status());
        assertTrue(((String) conflict.body()).contains("durable"), (String) conflict.body());
        assertEquals(200, call("GET", "/queues/orders%2Feu", null).status());
        assertEquals(200, call("DELETE", "/queues/orders%2Feu/messages", null).status());
        ManagementResponse deleted = call("DELETE", "/queues/orders%2Feu", null);
        assertEquals(200, deleted.status());
        assertEquals(UnsignedLong.ZERO, ((Map<String, Object>) deleted.body()).get("message_count"));
        assertEquals(404, call("GET", "/queues/orders%2Feu", null).status());
        assertEquals(404, call("DELETE", "/queues/orders%2Feu/messages", null).status());
    }

    @Test
    void badInputIsA400NamingTheProblemAndCreatesNothing() throws Exception {
        ManagementResponse wrongType = call("PUT", "/queues/q", map("arguments", map("x-max-length", "ten")));
        assertEquals(400, wrongType.status());
        assertTrue(((String) wrongType.body()).contains("x-max-length"));
        assertEquals(400, call("PUT", "/queues/q", map("durable", "yes")).status());
        assertEquals(400, call("PUT", "/queues/q", map("colour", "red")).status());
        assertEquals(400, call("PUT", "/queues/", map()).status());
        assertEquals(403, call("PUT", "/queues/amq.q", map()).status());
        assertNull(queues.get("q"));
        ManagementResponse unknownType = call("PUT", "/exchanges/x", map("type", "x-weird"));
        assertEquals(400, unknownType.status());
        assertTrue(((String) unknownType.body()).contains("x-weird"));
        assertNull(topology.exchange("x"));
        assertEquals(403, call("PUT", "/exchanges/", map("type", "direct")).status());
        assertEquals(400, call("POST", "/bindings", map("source", "amq.direct")).status());
        assertEquals(404, call("POST", "/bindings", map("source", "amq.direct", "destination_queue", "none",
                "binding_key", "k")).status());
        assertEquals(404, call("GET", "/nothing/here", null).status());
        assertEquals(405, call("PATCH", "/queues/q", null).status());
        assertEquals(400, call("DELETE", "/bindings/garbage", null).status());
    }

    @Test
    @SuppressWarnings("unchecked")
    void bindingsAreListedWithTheirLocationAndDeletedByIt() throws Exception {
        assertEquals(201, call("PUT", "/queues/q", map()).status());
        assertEquals(204, call("PUT", "/exchanges/h%20x", map("type", "headers", "durable", true)).status());
        Map<String, Object> args = map("x-match", "any", "n", UnsignedInteger.valueOf(7));
        assertEquals(204, call("POST", "/bindings", map("source", "h x", "destination_queue", "q",
                "binding_key", "", "arguments", args)).status());
        assertEquals(204, call("POST", "/bindings", map("source", "h x", "destination_queue", "q",
                "binding_key", "")).status());
        ManagementResponse listed = call("GET", "/bindings?src=h%20x&dstq=q&key=", null);
        assertEquals(200, listed.status());
        List<Map<String, Object>> bindings = (List<Map<String, Object>>) listed.body();
        assertEquals(2, bindings.size());
        Map<String, Object> withArgs = bindings.stream().filter(b -> !((Map<?, ?>) b.get("arguments")).isEmpty())
                .findFirst().orElseThrow();
        assertEquals("q", withArgs.get("destination_queue"));
        assertEquals(7L, ((Map<String, Object>) withArgs.get("arguments")).get("n"));
        String location = (String) withArgs.get("location");
        assertTrue(location.startsWith("/bindings/src=h%20x;dstq=q;key=;args="), location);

        assertEquals(204, call("DELETE", location, null).status());
        assertEquals(1, ((List<?>) call("GET", "/bindings?src=h%20x&dstq=q&key=", null).body()).size());
        assertEquals(204, call("DELETE", "/bindings/src=h%20x;dstq=q;key=;args=", null).status());
        assertTrue(((List<?>) call("GET", "/bindings?src=h%20x&dstq=q&key=", null).body()).isEmpty());
        assertEquals(204, call("DELETE", "/exchanges/h%20x", null).status());
        assertEquals(404, call("GET", "/exchanges/h%20x", null).status());
    }

    @Test
    void exclusiveQueuesAreReportedToTheirConnection() throws Exception {
        assertEquals(201, call("PUT", "/queues/mine", map("exclusive", true, "durable", false)).status());
        assertEquals(List.of("mine"), exclusive);
    }
}
