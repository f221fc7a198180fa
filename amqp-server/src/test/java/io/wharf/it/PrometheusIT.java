package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The prometheus plugin's {@code /metrics}: text exposition format, broker-wide and per-queue series. */
@Timeout(60)
class PrometheusIT {

    @TempDir
    Path dataDir;

    @Test
    void metricsInTextExpositionFormat() throws Exception {
        try (RunningBroker broker = RunningBroker.withTestUser(dataDir, HttpApi.YAML)) {
            HttpApi api = new HttpApi(broker.broker().httpPort(), "alice", "secret");
            api.put("/api/queues/%2F/orders", "{}");
            api.put("/api/queues/%2F/we%22ird", "{}");
            api.post("/api/exchanges/%2F//publish", "{\"routing_key\":\"orders\",\"payload\":\"a\"}");
            api.post("/api/exchanges/%2F//publish", "{\"routing_key\":\"orders\",\"payload\":\"b\"}");
            api.post("/api/queues/%2F/orders/get", "{\"count\":1,\"ackmode\":\"ack_requeue_false\"}");

            HttpApi.Answer scrape = api.as(null, null).get("/metrics");
            assertEquals(200, scrape.status(), "a scrape needs no login by default");
            assertTrue(scrape.contentType().startsWith("text/plain; version=0.0.4"), scrape.contentType());
            Map<String, String> samples = new HashMap<>();
            for (String line : scrape.text().split("\n")) {
                if (line.startsWith("#")) {
                    assertTrue(line.matches("# (HELP|TYPE) [a-z_]+ .+"), line);
                    continue;
                }
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), line.substring(space + 1));
            }
            assertEquals("1", samples.get("wharf_up"));
            assertEquals("2", samples.get("wharf_queues"));
            assertEquals("1", samples.get("wharf_messages"));
            assertEquals("2", samples.get("wharf_messages_published_total"));
            assertEquals("1", samples.get("wharf_messages_acknowledged_total"));
            assertEquals("0", samples.get("wharf_alarms"));
            assertEquals("1", samples.get("wharf_queue_messages{vhost=\"/\",queue=\"orders\",type=\"classic\"}"));
            assertEquals("2", samples.get(
                    "wharf_queue_messages_published_total{vhost=\"/\",queue=\"orders\",type=\"classic\"}"));
            assertEquals("1", samples.get(
                    "wharf_queue_messages_delivered_total{vhost=\"/\",queue=\"orders\",type=\"classic\"}"));
            assertEquals("0", samples.get("wharf_queue_messages{vhost=\"/\",queue=\"we\\\"ird\",type=\"classic\"}"),
                    "label values are escaped");
            assertTrue(scrape.text().contains("# TYPE wharf_queue_messages_published_total counter"));
            assertEquals(405, api.post("/metrics", "").status());
        }
    }

    @Test
    void metricsBehindBasicAuthWhenConfigured() throws Exception {
        String yaml = HttpApi.YAML + "  settings:\n    prometheus:\n      authenticated: true\n";
        try (RunningBroker broker = RunningBroker.withTestUser(dataDir, yaml)) {
            HttpApi api = new HttpApi(broker.broker().httpPort(), "alice", "secret");
            assertEquals(401, api.as(null, null).get("/metrics").status());
            assertEquals(200, api.get("/metrics").status());
        }
    }
}
