package io.wharf.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.Sender;
import org.apache.qpid.protonj2.types.UnsignedLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management HTTP API (issue 11) with a real HTTP client against a real broker: every route, the shapes of
 * RabbitMQ's management API, and bad input (400 / 404 / 401 / 403 with a reason naming the problem, nothing changed).
 */
@Timeout(90)
class ManagementHttpIT {

    @TempDir
    Path dataDir;
    private RunningBroker broker;
    private HttpApi api;

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, HttpApi.YAML);
        api = new HttpApi(broker.broker().httpPort(), "alice", "secret");
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void overviewWhoamiAndAuthentication() throws Exception {
        HttpApi.Answer overview = api.get("/api/overview");
        assertEquals(200, overview.status());
        assertTrue(overview.contentType().startsWith("application/json"));
        assertEquals("Wharf", overview.map().get("product_name"));
        assertNotNull(((Map<?, ?>) overview.map().get("object_totals")).get("queues"));
        assertNotNull(((Map<?, ?>) overview.map().get("message_stats")).get("publish_details"));
        assertEquals("alice", api.get("/api/whoami").map().get("name"));

        assertEquals(401, api.as(null, null).get("/api/overview").status());
        HttpApi.Answer wrong = api.as("alice", "nope").get("/api/queues");
        assertEquals(401, wrong.status());
        assertTrue(wrong.reason().contains("wrong user name or password"), wrong.text());
        assertEquals(401, api.as("mallory", "secret").get("/api/overview").status());
        assertEquals(404, api.get("/api/nothing-here").status());
        assertEquals(405, api.post("/api/overview", "{}").status());
    }

    @Test
    void vhosts() throws Exception {
        assertEquals(List.of("/"), api.get("/api/vhosts").list().stream().map(v -> v.get("name")).toList());
        assertEquals(201, api.put("/api/vhosts/staging", "").status());
        assertEquals(204, api.put("/api/vhosts/staging", "").status());
        assertEquals("staging", api.get("/api/vhosts/staging").map().get("name"));
        assertEquals(404, api.get("/api/vhosts/nowhere").status());
        assertEquals(403, api.delete("/api/vhosts/%2F").status());
        assertEquals(204, api.delete("/api/vhosts/staging").status());
        assertEquals(404, api.delete("/api/vhosts/staging").status());
    }

    @Test
    void queuesDeclareListGetPurgeDelete() throws Exception {
        assertEquals(201, api.put("/api/queues/%2F/orders", "{\"durable\":true,\"arguments\":{\"x-max-length\":100}}")
                .status());
        assertEquals(204, api.put("/api/queues/%2F/orders", "{\"durable\":true,\"arguments\":{\"x-max-length\":100}}")
                .status());
        HttpApi.Answer different = api.put("/api/queues/%2F/orders", "{\"durable\":false}");
        assertEquals(409, different.status(), different.text());

        Map<String, Object> queue = api.get("/api/queues/%2F/orders").map();
        assertEquals("orders", queue.get("name"));
        assertEquals("/", queue.get("vhost"));
        assertEquals(true, queue.get("durable"));
        assertEquals(100L, ((Map<?, ?>) queue.get("arguments")).get("x-max-length"));
        assertEquals(0L, queue.get("messages"));
        assertEquals(1, api.get("/api/queues/%2F").list().size());
        assertEquals(1, api.get("/api/queues").list().size());

        publish("", "orders", "first");
        publish("", "orders", "second");
        assertEquals(2L, api.get("/api/queues/%2F/orders").map().get("messages"));

        // Get with requeue: the messages stay; without: they go.
        List<Map<String, Object>> looked = api.post("/api/queues/%2F/orders/get",
                "{\"count\":5,\"ackmode\":\"ack_requeue_true\",\"encoding\":\"auto\"}").list();
        assertEquals(List.of("first", "second"), looked.stream().map(m -> m.get("payload")).toList());
        assertEquals("string", looked.get(0).get("payload_encoding"));
        assertEquals(2L, api.get("/api/queues/%2F/orders").map().get("messages"));
        List<Map<String, Object>> taken = api.post("/api/queues/%2F/orders/get",
                "{\"count\":1,\"ackmode\":\"ack_requeue_false\",\"encoding\":\"base64\"}").list();
        assertEquals("Zmlyc3Q=", taken.get(0).get("payload"));
        assertEquals(true, taken.get(0).get("redelivered"));
        assertEquals(1L, api.get("/api/queues/%2F/orders").map().get("messages"));

        assertEquals(204, api.delete("/api/queues/%2F/orders/contents").status());
        assertEquals(0L, api.get("/api/queues/%2F/orders").map().get("messages"));
        assertEquals(List.of(), api.post("/api/queues/%2F/orders/get", "{\"count\":1,\"ackmode\":"
                + "\"ack_requeue_false\"}").list());
        List<Map<String, Object>> bindings = api.get("/api/queues/%2F/orders/bindings").list();
        assertEquals(List.of(), bindings);
        assertEquals(204, api.delete("/api/queues/%2F/orders").status());
        assertEquals(404, api.get("/api/queues/%2F/orders").status());
    }

    @Test
    void queueBadInputChangesNothing() throws Exception {
        HttpApi.Answer malformed = api.put("/api/queues/%2F/q1", "{\"durable\": tru");
        assertEquals(400, malformed.status());
        assertTrue(malformed.reason().contains("not valid JSON"), malformed.text());
        HttpApi.Answer wrongType = api.put("/api/queues/%2F/q1", "{\"durable\":\"yes\"}");
        assertEquals(400, wrongType.status());
        assertTrue(wrongType.reason().contains("'durable' must be a boolean"), wrongType.text());
        HttpApi.Answer unknownField = api.put("/api/queues/%2F/q1", "{\"durabel\":true}");
        assertEquals(400, unknownField.status());
        assertTrue(unknownField.reason().contains("durabel"), unknownField.text());
        HttpApi.Answer badArgument = api.put("/api/queues/%2F/q1", "{\"arguments\":{\"x-max-length\":\"many\"}}");
        assertEquals(400, badArgument.status(), badArgument.text());
        assertEquals(400, api.put("/api/queues/%2F/q1", "[1,2]").status());
        assertEquals(List.of(), api.get("/api/queues").list(), "no queue may have been made");

        HttpApi.Answer noVhost = api.put("/api/queues/nowhere/q1", "{}");
        assertEquals(404, noVhost.status());
        assertTrue(noVhost.reason().contains("vhost 'nowhere'"), noVhost.text());
        assertEquals(404, api.get("/api/queues/nowhere").status());
        HttpApi.Answer noQueue = api.get("/api/queues/%2F/missing");
        assertEquals(404, noQueue.status());
        assertTrue(noQueue.reason().contains("queue 'missing'"), noQueue.text());
        assertEquals(404, api.delete("/api/queues/%2F/missing").status());
        assertEquals(404, api.delete("/api/queues/%2F/missing/contents").status());
        assertEquals(404, api.post("/api/queues/%2F/missing/get", "{\"count\":1}").status());
        api.put("/api/queues/%2F/q2", "{}");
        assertEquals(400, api.post("/api/queues/%2F/q2/get", "{\"count\":1,\"ackmode\":\"sometimes\"}").status());
        assertEquals(400, api.post("/api/queues/%2F/q2/get", "{\"count\":0}").status());
    }

    @Test
    void listsPageAndSort() throws Exception {
        for (String name : List.of("b", "a", "c")) {
            api.put("/api/queues/%2F/" + name, "{}");
        }
        publish("", "c", "x");
        assertEquals(List.of("a", "b", "c"), names(api.get("/api/queues?sort=name").list()));
        assertEquals(List.of("c", "b", "a"), names(api.get("/api/queues?sort=name&sort_reverse=true").list()));
        assertEquals("c", api.get("/api/queues?sort=messages&sort_reverse=true").list().get(0).get("name"));
        Map<String, Object> page = api.get("/api/queues?page=2&page_size=2&sort=name").map();
        assertEquals(3L, page.get("total_count"));
        assertEquals(2L, page.get("page_count"));
        assertEquals(List.of("c"), names(castList(page.get("items"))));
        assertEquals(List.of("b"), names(api.get("/api/queues?name=b").list()));
        assertEquals(400, api.get("/api/queues?page=0").status());
        assertEquals(400, api.get("/api/queues?page=9").status());
    }

    @Test
    void exchangesBindingsAndPublish() throws Exception {
        List<String> exchanges = names(api.get("/api/exchanges/%2F").list());
        assertTrue(exchanges.containsAll(List.of("", "amq.direct", "amq.topic")), exchanges.toString());
        assertEquals(201, api.put("/api/exchanges/%2F/prices", "{\"type\":\"topic\",\"durable\":true}").status());
        assertEquals("topic", api.get("/api/exchanges/%2F/prices").map().get("type"));
        HttpApi.Answer badType = api.put("/api/exchanges/%2F/other", "{\"type\":\"roulette\"}");
        assertEquals(400, badType.status());
        assertTrue(badType.reason().contains("roulette"), badType.text());
        assertEquals(400, api.put("/api/exchanges/%2F/other", "{}").status());
        assertEquals(404, api.get("/api/exchanges/%2F/other").status());
        assertEquals(403, api.put("/api/exchanges/%2F/amq.mine", "{\"type\":\"direct\"}").status());

        api.put("/api/queues/%2F/eu", "{}");
        HttpApi.Answer bound = api.post("/api/bindings/%2F/e/prices/q/eu", "{\"routing_key\":\"stock.eu.*\"}");
        assertEquals(201, bound.status(), bound.text());
        assertEquals(404, api.post("/api/bindings/%2F/e/prices/q/nowhere", "{\"routing_key\":\"k\"}").status());
        assertEquals(404, api.post("/api/bindings/%2F/e/nothing/q/eu", "{}").status());
        assertEquals(400, api.post("/api/bindings/%2F/e/prices/q/eu", "{\"routing_key\":7}").status());
        List<Map<String, Object>> all = api.get("/api/bindings/%2F").list();
        assertEquals(1, all.size());
        assertEquals("stock.eu.*", all.get(0).get("routing_key"));
        assertEquals("queue", all.get(0).get("destination_type"));
        assertEquals(1, api.get("/api/bindings").list().size());
        assertEquals(1, api.get("/api/bindings/%2F/e/prices/q/eu").list().size());
        assertEquals(1, api.get("/api/exchanges/%2F/prices/bindings/source").list().size());
        assertEquals(1, api.get("/api/queues/%2F/eu/bindings").list().size());
        assertEquals(404, api.get("/api/bindings/nowhere").status());

        assertEquals(Map.of("routed", true), api.post("/api/exchanges/%2F/prices/publish",
                "{\"routing_key\":\"stock.eu.sap\",\"payload\":\"42\",\"payload_encoding\":\"string\","
                        + "\"properties\":{\"content_type\":\"text/plain\",\"headers\":{\"k\":\"v\"}}}").map());
        assertEquals(Map.of("routed", false), api.post("/api/exchanges/%2F/prices/publish",
                "{\"routing_key\":\"stock.us\",\"payload\":\"1\",\"payload_encoding\":\"string\"}").map());
        assertEquals(400, api.post("/api/exchanges/%2F/prices/publish", "{\"routing_key\":\"k\",\"payload\":\"x\","
                + "\"payload_encoding\":\"rot13\"}").status());
        assertEquals(400, api.post("/api/exchanges/%2F/prices/publish", "{\"payload\":\"x\"}").status());
        assertEquals(400, api.post("/api/exchanges/%2F/prices/publish", "{\"routing_key\":\"k\",\"payload\":\"x\","
                + "\"properties\":{\"priority\":\"high\"}}").status());
        assertEquals(404, api.post("/api/exchanges/%2F/nothing/publish", "{\"routing_key\":\"k\",\"payload\":\"x\"}")
                .status());
        Map<String, Object> message = api.post("/api/queues/%2F/eu/get", "{\"count\":1,\"ackmode\":"
                + "\"ack_requeue_false\"}").list().get(0);
        assertEquals("42", message.get("payload"));
        Map<?, ?> properties = (Map<?, ?>) message.get("properties");
        assertEquals("text/plain", properties.get("content_type"));
        assertEquals(Map.of("k", "v"), properties.get("headers"));

        String props = String.valueOf(all.get(0).get("properties_key"));
        assertEquals(404, api.delete("/api/bindings/%2F/e/prices/q/eu/other").status());
        assertEquals(204, api.delete("/api/bindings/%2F/e/prices/q/eu/" + java.net.URLEncoder.encode(props,
                java.nio.charset.StandardCharsets.UTF_8)).status());
        assertEquals(List.of(), api.get("/api/bindings/%2F").list());
        assertEquals(204, api.delete("/api/exchanges/%2F/prices").status());
        assertEquals(404, api.delete("/api/exchanges/%2F/prices").status());
    }

    @Test
    void connectionsLinksConsumersAndClose() throws Exception {
        api.put("/api/queues/%2F/work", "{}");
        try (Client client = Client.create()) {
            ConnectionOptions options = new ConnectionOptions().user("alice").password("secret");
            Connection connection = client.connect("127.0.0.1", broker.port(), options);
            connection.openFuture().get(10, SECONDS);
            Sender sender = connection.openSender("/queues/work");
            Receiver receiver = connection.openReceiver("/queues/work");
            receiver.openFuture().get(10, SECONDS);
            sender.send(Message.create("hi")).awaitAccepted(10, SECONDS);
            org.apache.qpid.protonj2.client.Delivery delivery = receiver.receive(10, SECONDS);
            assertNotNull(delivery);
            delivery.accept();

            List<Map<String, Object>> connections = api.get("/api/connections").list();
            assertEquals(1, connections.size());
            Map<String, Object> c = connections.get(0);
            assertEquals("alice", c.get("user"));
            assertEquals("/", c.get("vhost"));
            List<Map<String, Object>> links = castList(c.get("links"));
            assertEquals(2, links.size(), links.toString());
            assertTrue(links.stream().anyMatch(l -> l.get("role").equals("sender")
                    && "/queues/work".equals(l.get("address"))));
            String id = String.valueOf(c.get("name"));
            assertEquals(id, api.get("/api/connections/" + id).map().get("name"));
            assertEquals(2, api.get("/api/connections/" + id + "/links").list().size());
            assertEquals(1, api.get("/api/connections/" + id + "/sessions").list().size());
            await().atMost(10, SECONDS).until(() -> {
                Map<?, ?> stats = (Map<?, ?>) api.get("/api/connections/" + id).map().get("message_stats");
                return Long.valueOf(1).equals(stats.get("publish")) && Long.valueOf(1).equals(stats.get("deliver"));
            });
            List<Map<String, Object>> consumers = api.get("/api/consumers").list();
            assertEquals(1, consumers.size());
            assertEquals("work", ((Map<?, ?>) consumers.get(0).get("queue")).get("name"));
            assertEquals(1, api.get("/api/consumers/%2F").list().size());
            assertEquals(404, api.get("/api/consumers/nowhere").status());

            assertEquals(404, api.get("/api/connections/conn-999").status());
            assertEquals(404, api.delete("/api/connections/conn-999").status());
            assertEquals(204, api.delete("/api/connections/" + id).status());
            await().atMost(10, SECONDS).until(() -> api.get("/api/connections").list().isEmpty());
            assertThrows(Exception.class, () -> sender.send(Message.create("after")).awaitAccepted(5, SECONDS));
        }
    }

    @Test
    void messageRatesAreSampled() throws Exception {
        api.put("/api/queues/%2F/rated", "{}");
        publish("", "rated", "1");
        await().atMost(20, SECONDS).until(() -> {
            Map<?, ?> stats = (Map<?, ?>) api.get("/api/queues/%2F/rated").map().get("message_stats");
            Map<?, ?> details = (Map<?, ?>) stats.get("publish_details");
            return ((List<?>) details.get("samples")).size() >= 3 && Long.valueOf(1).equals(stats.get("publish"));
        });
        Map<?, ?> overview = (Map<?, ?>) api.get("/api/overview").map().get("message_stats");
        assertEquals(1L, overview.get("publish"));
        Map<?, ?> sample = (Map<?, ?>) ((List<?>) ((Map<?, ?>) overview.get("publish_details")).get("samples")).get(0);
        assertEquals(1L, sample.get("sample"));
    }

    @Test
    void definitionsExportAndImport() throws Exception {
        api.put("/api/exchanges/%2F/events", "{\"type\":\"fanout\"}");
        api.put("/api/queues/%2F/audit", "{\"arguments\":{\"x-message-ttl\":60000}}");
        api.post("/api/bindings/%2F/e/events/q/audit", "{}");
        Map<String, Object> exported = api.get("/api/definitions").map();
        assertEquals(List.of("audit"), names(castList(exported.get("queues"))));
        assertEquals(List.of("events"), names(castList(exported.get("exchanges"))));
        assertEquals(1, castList(exported.get("bindings")).size());
        assertTrue(names(castList(exported.get("users"))).contains("alice"));

        // Into a fresh vhost: the same topology, renamed, arrives whole.
        String doc = Json.write(Map.of(
                "vhosts", List.of(Map.of("name", "copy")),
                "exchanges", List.of(Map.of("name", "events", "vhost", "copy", "type", "fanout", "durable", true)),
                "queues", List.of(Map.of("name", "audit", "vhost", "copy", "durable", true,
                        "arguments", Map.of("x-message-ttl", 60000))),
                "bindings", List.of(Map.of("source", "events", "vhost", "copy", "destination", "audit",
                        "destination_type", "queue", "routing_key", "", "arguments", Map.of()))));
        assertEquals(204, api.post("/api/definitions", doc).status());
        assertEquals(1, api.get("/api/bindings/copy").list().size());
        assertEquals(60000L, ((Map<?, ?>) api.get("/api/queues/copy/audit").map().get("arguments"))
                .get("x-message-ttl"));
        assertEquals(1, api.get("/api/definitions/copy").map().get("queues") instanceof List<?> l ? l.size() : -1);

        // A bad document changes nothing, even where its first entries were fine.
        String bad = "{\"queues\":[{\"name\":\"fine\",\"vhost\":\"/\"},{\"name\":\"broken\",\"vhost\":\"/\","
                + "\"durable\":\"maybe\"}]}";
        HttpApi.Answer refused = api.post("/api/definitions", bad);
        assertEquals(400, refused.status());
        assertTrue(refused.reason().contains("durable"), refused.text());
        assertEquals(404, api.get("/api/queues/%2F/fine").status());
        assertEquals(400, api.post("/api/definitions", "{\"queues\": [").status());
        assertEquals(400, api.post("/api/definitions", "{\"queues\":[{\"name\":\"q\",\"vhost\":\"ghost\"}]}")
                .status());
        assertEquals(400, api.post("/api/definitions", "{\"colour\":[]}").status());
        assertEquals(404, api.get("/api/queues/%2F/q").status());
    }

    @Test
    void streamOffsetsAndHealth() throws Exception {
        api.put("/api/queues/%2F/log", "{\"type\":\"stream\"}");
        assertEquals("stream", api.get("/api/queues/%2F/log").map().get("type"));
        for (int i = 0; i < 5; i++) {
            publish("", "log", "m" + i);
        }
        assertEquals(List.of(), api.get("/api/stream-offsets/%2F/log").list());
        assertEquals(204, api.put("/api/stream-offsets/%2F/log/reader-1", "{\"offset\":1}").status());
        List<Map<String, Object>> offsets = api.get("/api/stream-offsets/%2F/log").list();
        assertEquals(List.of(Map.of("consumer", "reader-1", "offset", 1L, "lag", 3L)), offsets);
        assertEquals(400, api.put("/api/stream-offsets/%2F/log/reader-1", "{\"offset\":-1}").status());
        assertEquals(400, api.put("/api/stream-offsets/%2F/log/reader-1", "{\"offset\":\"one\"}").status());
        api.put("/api/queues/%2F/classic", "{}");
        HttpApi.Answer notStream = api.get("/api/stream-offsets/%2F/classic");
        assertEquals(400, notStream.status());
        assertTrue(notStream.reason().contains("not a stream"), notStream.text());
        assertEquals(404, api.get("/api/stream-offsets/%2F/missing").status());
        assertEquals(400, api.post("/api/queues/%2F/log/get", "{\"count\":1}").status());

        HttpApi.Answer health = api.get("/api/health/checks/alarms");
        assertEquals(200, health.status());
        assertEquals("ok", health.map().get("status"));
        assertEquals(404, api.get("/api/health/checks/nothing").status());
    }

    @Test
    void scheduledMessagesAreListedPagedCountedAndCancelledById() throws Exception {
        assertEquals(201, api.put("/api/queues/%2F/later", "{\"durable\":true}").status());
        long now = System.currentTimeMillis();
        // Due in an hour: nothing falls due while the test looks.
        UUID uuid = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
        try (Client client = Client.create()) {
            Connection connection = client.connect("127.0.0.1", broker.port(),
                    new ConnectionOptions().user("alice").password("secret"));
            Sender sender = connection.openSender("/queues/later");
            List<Object> ids = List.of("id-a", uuid, UnsignedLong.valueOf(42), "id/d");
            for (int i = 0; i < ids.size(); i++) {
                sender.send(Message.create("m" + i).messageId(ids.get(i)).durable(true)
                        .annotation("x-opt-delivery-time", new Date(now + 3_600_000 + i * 1_000)))
                        .awaitAccepted(10, SECONDS);
            }
            sender.send(Message.create("no id").durable(true)
                    .annotation("x-opt-delivery-time", new Date(now + 7_200_000))).awaitAccepted(10, SECONDS);
        }
        assertEquals(5L, api.get("/api/queues/%2F/later").map().get("scheduled_count"));
        assertEquals(0L, api.get("/api/queues/%2F/later").map().get("messages"), "none is due yet");

        Map<String, Object> first = api.get("/api/queues/%2F/later/scheduled?limit=2").map();
        assertEquals(5L, first.get("scheduled_count"));
        assertEquals(List.of("id-a", uuid.toString()), messageIds(first));
        Map<?, ?> a = (Map<?, ?>) ((List<?>) first.get("messages")).get(0);
        assertEquals(now + 3_600_000, a.get("delivery_time"));
        assertTrue((Long) a.get("size_bytes") > 0, a.toString());
        Map<String, Object> second = api.get("/api/queues/%2F/later/scheduled?limit=2&after="
                + first.get("next")).map();
        assertEquals(List.of("42", "id/d"), messageIds(second));
        Map<String, Object> last = api.get("/api/queues/%2F/later/scheduled?limit=2&after=" + second.get("next"))
                .map();
        assertEquals(java.util.Arrays.asList((Object) null), messageIds(last));
        assertEquals(null, last.get("next"), "the last page has no cursor");
        Map<String, Object> countOnly = api.get("/api/queues/%2F/later/scheduled?limit=0").map();
        assertEquals(5L, countOnly.get("scheduled_count"));
        assertEquals(List.of(), countOnly.get("messages"));
        assertEquals(List.of(Map.of("vhost", "/", "queue", "later", "scheduled_count", 5L)),
                api.get("/api/scheduled-messages").list());
        assertEquals(1, api.get("/api/scheduled-messages/%2F").list().size());

        // Cancel by message-id in its text form (a ulong in decimal; a '/' in an id is percent-encoded).
        assertEquals(Map.of("cancelled", 1L), api.delete("/api/queues/%2F/later/scheduled/42").map());
        assertEquals(200, api.delete("/api/queues/%2F/later/scheduled/id%2Fd").status());
        HttpApi.Answer again = api.delete("/api/queues/%2F/later/scheduled/42");
        assertEquals(404, again.status(), "cancelled already");
        assertTrue(again.reason().contains("'42'"), again.text());
        assertEquals(404, api.delete("/api/queues/%2F/later/scheduled/unknown").status());
        HttpApi.Answer noQueue = api.delete("/api/queues/%2F/missing/scheduled/id-a");
        assertEquals(404, noQueue.status());
        assertTrue(noQueue.reason().contains("queue 'missing'"), noQueue.text());
        assertEquals(404, api.get("/api/queues/%2F/missing/scheduled").status());
        assertEquals(404, api.get("/api/queues/nowhere/later/scheduled").status());
        // The older path names the same resource.
        assertEquals(200, api.delete("/api/scheduled-messages/%2F/later/" + uuid).status());
        assertEquals(java.util.Arrays.asList("id-a", null),
                messageIds(api.get("/api/scheduled-messages/%2F/later").map()));

        assertEquals(400, api.get("/api/queues/%2F/later/scheduled?limit=many").status());
        assertEquals(400, api.get("/api/queues/%2F/later/scheduled?limit=10001").status());
        HttpApi.Answer badCursor = api.get("/api/queues/%2F/later/scheduled?after=yesterday");
        assertEquals(400, badCursor.status());
        assertTrue(badCursor.reason().contains("yesterday"), badCursor.text());
        assertEquals(405, api.post("/api/queues/%2F/later/scheduled", "{}").status());
        api.put("/api/queues/%2F/log", "{\"type\":\"stream\"}");
        assertEquals(0L, api.get("/api/queues/%2F/log/scheduled").map().get("scheduled_count"));
        assertEquals(2L, api.get("/api/queues/%2F/later").map().get("scheduled_count"), "nothing else changed");
    }

    private static List<Object> messageIds(Map<String, Object> page) {
        List<Object> ids = new java.util.ArrayList<>();
        for (Map<String, Object> m : castList(page.get("messages"))) {
            ids.add(m.get("message_id"));
        }
        return ids;
    }

    /** A partitioned stream's named consumer groups: members, which partitions each reads, committed offsets. */
    @Test
    void consumerGroupsOfAPartitionedStreamAreListed() throws Exception {
        try (Client client = Client.create(); Connection connection = client.connect("127.0.0.1", broker.port(),
                new ConnectionOptions().user("alice").password("secret"));
             ManagementClient management = new ManagementClient(connection)) {
            assertEquals(201, management.call("PUT", "/queues/events", Map.of("durable", true, "arguments",
                    Map.of("x-queue-type", "stream", "x-partitions", 3L))).status());
            for (int i = 0; i < 2; i++) {
                org.apache.qpid.protonj2.client.ReceiverOptions options =
                        new org.apache.qpid.protonj2.client.ReceiverOptions().creditWindow(10);
                options.properties(Map.of("wharf:consumer-group", "audit"));
                connection.openReceiver("/queues/events", options).openFuture().get(10, SECONDS);
            }
            // Without a group name: a private group, not listed.
            connection.openReceiver("/queues/events").openFuture().get(10, SECONDS);
            String path = "/api/stream-groups/%2F/events";
            await().atMost(10, SECONDS).until(() -> {
                List<Map<String, Object>> groups = api.get(path).list();
                return groups.size() == 1 && ((List<?>) groups.get(0).get("members")).stream()
                        .mapToInt(m -> ((List<?>) ((Map<?, ?>) m).get("partitions")).size()).sum() == 3;
            });
            Map<String, Object> group = api.get(path).list().get(0);
            assertEquals("audit", group.get("name"));
            assertEquals("events", group.get("stream"));
            List<?> members = (List<?>) group.get("members");
            assertEquals(2, members.size(), group.toString());
            java.util.Set<Object> partitions = new java.util.TreeSet<>();
            for (Object m : members) {
                Map<?, ?> member = (Map<?, ?>) m;
                assertTrue(String.valueOf(member.get("connection")).length() > 0, member.toString());
                assertNotNull(member.get("link"));
                for (Object p : (List<?>) member.get("partitions")) {
                    assertTrue(partitions.add(((Number) p).intValue()), "each partition read once: " + group);
                }
            }
            assertEquals(java.util.Set.of(0, 1, 2), partitions);
            assertEquals(3, ((List<?>) group.get("committed_offsets")).size());
            assertEquals(404, api.get("/api/stream-groups/%2F/nothing").status());
            assertEquals(404, api.get("/api/stream-groups/%2F").status());
            assertEquals(405, api.post(path, "{}").status());
        }
    }

    @Test
    void usersAndPermissions() throws Exception {
        assertEquals(List.of("alice"), names(api.get("/api/users").list()));
        assertEquals(201, api.put("/api/users/bob", "{\"password\":\"b0b\",\"tags\":\"management\"}").status());
        assertEquals(List.of("management"), api.get("/api/users/bob").map().get("tags"));
        assertEquals(400, api.put("/api/users/carol", "{\"tags\":\"management\"}").status());
        assertEquals(400, api.put("/api/users/carol", "{\"password\":\"x\",\"tags\":5}").status());
        assertEquals(404, api.get("/api/users/carol").status());

        HttpApi bob = api.as("bob", "b0b");
        assertEquals(200, bob.get("/api/overview").status());
        assertEquals(403, bob.get("/api/users").status(), "users need the administrator tag");
        assertEquals(403, bob.put("/api/users/eve", "{\"password\":\"e\"}").status());
        assertEquals(401, api.as("bob", "wrong").get("/api/overview").status());

        assertEquals(201, api.put("/api/permissions/%2F/bob", "{\"configure\":\"^bob-.*\",\"write\":\".*\","
                + "\"read\":\".*\"}").status());
        assertEquals("^bob-.*", api.get("/api/permissions/%2F/bob").map().get("configure"));
        assertEquals(1, api.get("/api/users/bob/permissions").list().size());
        assertTrue(api.get("/api/permissions").list().size() >= 2);
        assertEquals(1, api.get("/api/vhosts/%2F/permissions").list().stream()
                .filter(p -> p.get("user").equals("bob")).count());
        assertEquals(400, api.put("/api/permissions/%2F/bob", "{\"configure\":\"(\",\"write\":\".*\",\"read\":\".*\"}")
                .status());
        assertEquals(400, api.put("/api/permissions/%2F/bob", "{\"configure\":\".*\"}").status());
        assertEquals(404, api.put("/api/permissions/nowhere/bob", "{\"configure\":\".*\",\"write\":\".*\","
                + "\"read\":\".*\"}").status());
        assertEquals(404, api.put("/api/permissions/%2F/nobody", "{\"configure\":\".*\",\"write\":\".*\","
                + "\"read\":\".*\"}").status());
        assertEquals(204, api.delete("/api/permissions/%2F/bob").status());
        assertEquals(404, api.get("/api/permissions/%2F/bob").status());

        // A changed password takes effect at once (cached logins are dropped).
        assertEquals(204, api.put("/api/users/bob", "{\"password\":\"new\",\"tags\":\"monitoring\"}").status());
        assertEquals(401, bob.get("/api/overview").status());
        HttpApi monitor = api.as("bob", "new");
        assertEquals(200, monitor.get("/api/queues").status());
        assertEquals(403, monitor.put("/api/queues/%2F/x", "{}").status(), "monitoring may only look");
        assertEquals(400, api.delete("/api/users/alice").status(), "a user cannot delete itself");
        assertEquals(204, api.delete("/api/users/bob").status());
        assertEquals(404, api.delete("/api/users/bob").status());
        assertEquals(401, monitor.get("/api/overview").status());
    }

    @Test
    void aManagementUserSeesAndChangesOnlyWhatItsVhostPermissionsAllow() throws Exception {
        assertEquals(201, api.put("/api/vhosts/team", "").status());
        api.put("/api/queues/%2F/secret", "{}");
        api.put("/api/queues/team/shared", "{}");
        api.put("/api/exchanges/team/events", "{\"type\":\"fanout\"}");
        api.put("/api/users/bob", "{\"password\":\"b0b\",\"tags\":\"management\"}");
        api.put("/api/permissions/team/bob", "{\"configure\":\"^bob-\",\"write\":\"^bob-\",\"read\":\"^bob-\"}");
        api.put("/api/users/mona", "{\"password\":\"m0na\",\"tags\":\"monitoring\"}");
        HttpApi bob = api.as("bob", "b0b");

        // Sees only the vhost it has permissions in, its totals too.
        assertEquals(List.of("team"), names(bob.get("/api/vhosts").list()));
        Map<?, ?> totals = (Map<?, ?>) bob.get("/api/overview").map().get("object_totals");
        assertEquals(1, ((Number) totals.get("vhosts")).intValue(), totals.toString());
        assertEquals(1, ((Number) totals.get("queues")).intValue(), "only team's queue: " + totals);
        assertEquals(api.get("/api/exchanges/team").list().size(), ((Number) totals.get("exchanges")).intValue());
        Map<?, ?> all = (Map<?, ?>) api.get("/api/overview").map().get("object_totals");
        assertEquals(2, ((Number) all.get("queues")).intValue(), "an administrator sees every queue: " + all);
        assertEquals(List.of("/", "team"), names(api.as("mona", "m0na").get("/api/vhosts").list()),
                "monitoring sees every vhost");
        HttpApi.Answer otherVhost = bob.get("/api/vhosts/%2F");
        assertEquals(403, otherVhost.status());
        assertTrue(otherVhost.reason().contains("vhost '/'"), otherVhost.text());
        assertEquals(List.of("shared"), names(bob.get("/api/queues").list()));
        assertEquals(403, bob.get("/api/queues/%2F").status());
        assertEquals(403, bob.get("/api/queues/%2F/secret").status());
        assertTrue(names(bob.get("/api/exchanges").list()).contains("events"));
        assertTrue(bob.get("/api/exchanges").list().stream().allMatch(x -> x.get("vhost").equals("team")));
        assertEquals(403, bob.get("/api/definitions").status());
        assertEquals(200, bob.get("/api/definitions/team").status());
        assertEquals(403, bob.get("/api/definitions/%2F").status());

        // configure: declare and delete.
        assertEquals(201, bob.put("/api/queues/team/bob-work", "{}").status());
        HttpApi.Answer declare = bob.put("/api/queues/team/orders", "{}");
        assertEquals(403, declare.status());
        assertTrue(declare.reason().contains("configure access to queue 'orders' in vhost 'team' refused for user "
                + "'bob'"), declare.text());
        assertEquals(404, api.get("/api/queues/team/orders").status(), "nothing was declared");
        assertEquals(403, bob.delete("/api/queues/team/shared").status());
        assertEquals(403, bob.put("/api/queues/%2F/bob-elsewhere", "{}").status());
        assertEquals(403, bob.put("/api/exchanges/team/audit", "{\"type\":\"fanout\"}").status());
        assertEquals(201, bob.put("/api/exchanges/team/bob-events", "{\"type\":\"fanout\"}").status());

        // write: publish (the default exchange as the queue the key names).
        assertEquals(200, bob.post("/api/exchanges/team//publish", "{\"routing_key\":\"bob-work\","
                + "\"payload\":\"x\"}").status());
        HttpApi.Answer toShared = bob.post("/api/exchanges/team//publish", "{\"routing_key\":\"shared\","
                + "\"payload\":\"x\"}");
        assertEquals(403, toShared.status());
        assertTrue(toShared.reason().contains("write access to queue 'shared'"), toShared.text());
        HttpApi.Answer toEvents = bob.post("/api/exchanges/team/events/publish", "{\"routing_key\":\"\","
                + "\"payload\":\"x\"}");
        assertEquals(403, toEvents.status());
        assertTrue(toEvents.reason().contains("write access to exchange 'events'"), toEvents.text());
        assertEquals(0L, api.get("/api/queues/team/shared").map().get("messages"));

        // read: get and purge.
        assertEquals(1, bob.post("/api/queues/team/bob-work/get", "{\"count\":1,\"ackmode\":\"ack_requeue_true\"}")
                .list().size());
        HttpApi.Answer get = bob.post("/api/queues/team/shared/get", "{\"count\":1}");
        assertEquals(403, get.status());
        assertTrue(get.reason().contains("read access to queue 'shared'"), get.text());
        assertEquals(403, bob.delete("/api/queues/team/shared/contents").status());
        assertEquals(403, bob.delete("/api/queues/team/shared/scheduled/some-id").status());
        assertEquals(403, bob.delete("/api/scheduled-messages/team/shared/some-id").status());

        // bindings: write on the destination, read on the source exchange.
        HttpApi.Answer bindFromEvents = bob.post("/api/bindings/team/e/events/q/bob-work", "{}");
        assertEquals(403, bindFromEvents.status());
        assertTrue(bindFromEvents.reason().contains("read access to exchange 'events'"), bindFromEvents.text());
        assertEquals(403, bob.post("/api/bindings/team/e/bob-events/q/shared", "{}").status());
        assertEquals(201, bob.post("/api/bindings/team/e/bob-events/q/bob-work", "{}").status());

        // Connections: only its own.
        try (Client client = Client.create()) {
            Connection connection = client.connect("127.0.0.1", broker.port(),
                    new ConnectionOptions().user("alice").password("secret"));
            connection.openFuture().get(10, SECONDS);
            await().atMost(10, SECONDS).until(() -> api.get("/api/connections").list().size() == 1);
            String id = String.valueOf(api.get("/api/connections").list().get(0).get("name"));
            assertEquals(List.of(), bob.get("/api/connections").list());
            HttpApi.Answer close = bob.delete("/api/connections/" + id);
            assertEquals(403, close.status());
            assertTrue(close.reason().contains("connection '" + id + "'"), close.text());
            assertEquals(1, api.get("/api/connections").list().size(), "still open");
        }
    }

    // ---- helpers ----

    private void publish(String exchange, String key, String payload) throws Exception {
        HttpApi.Answer answer = api.post("/api/exchanges/%2F/" + (exchange.isEmpty() ? "amq.default" : exchange)
                .replace("amq.default", "") + "/publish", Json.write(Map.of("routing_key", key, "payload", payload,
                "payload_encoding", "string", "properties", Map.of())));
        assertEquals(200, answer.status(), answer.text());
        assertEquals(true, answer.map().get("routed"));
    }

    private static List<String> names(List<Map<String, Object>> items) {
        return items.stream().map(i -> String.valueOf(i.get("name"))).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> castList(Object o) {
        return (List<Map<String, Object>>) o;
    }

    private static final class Json {
        static String write(Object value) {
            return io.wharf.plugin.http.Json.write(value);
        }
    }
}
