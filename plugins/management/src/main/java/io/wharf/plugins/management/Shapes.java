package io.wharf.plugins.management;

import io.wharf.plugin.admin.BrokerAdmin;
import io.wharf.plugin.admin.MessageStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The broker's records in the JSON shapes of RabbitMQ's management API (same field names where they exist). */
final class Shapes {

    private Shapes() {
    }

    static Map<String, Object> stats(MessageStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "publish", s.publish(), s.publishRate(), s, 0);
        put(m, "deliver", s.deliver(), s.deliverRate(), s, 1);
        put(m, "deliver_get", s.deliver(), s.deliverRate(), s, 1);
        put(m, "ack", s.ack(), s.ackRate(), s, 2);
        put(m, "redeliver", s.redeliver(), s.redeliverRate(), s, 3);
        return m;
    }

    private static void put(Map<String, Object> m, String name, long count, double rate, MessageStats s, int which) {
        m.put(name, count);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("rate", Math.round(rate * 100) / 100.0);
        List<Object> samples = new ArrayList<>();
        for (int i = s.samples().size() - 1; i >= 0; i--) {
            MessageStats.Sample x = s.samples().get(i);
            long value = switch (which) {
                case 0 -> x.publish();
                case 1 -> x.deliver();
                case 2 -> x.ack();
                default -> x.redeliver();
            };
            samples.add(Map.of("sample", value, "timestamp", x.timestampMs()));
        }
        details.put("samples", samples);
        m.put(name + "_details", details);
    }

    static Map<String, Object> queue(BrokerAdmin.QueueInfo q, String node) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", q.name());
        m.put("vhost", q.vhost());
        m.put("type", q.type());
        m.put("durable", q.durable());
        m.put("auto_delete", q.autoDelete());
        m.put("exclusive", q.exclusive());
        m.put("arguments", q.arguments());
        m.put("node", node);
        m.put("state", "running");
        m.put("messages", q.messages());
        m.put("messages_ready", q.messages());
        m.put("messages_unacknowledged", 0);
        m.put("consumers", q.consumers());
        m.put("scheduled_count", q.scheduled());
        m.put("message_stats", stats(q.stats()));
        return m;
    }

    static Map<String, Object> exchange(BrokerAdmin.ExchangeInfo x) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", x.name());
        m.put("vhost", x.vhost());
        m.put("type", x.type());
        m.put("durable", x.durable());
        m.put("auto_delete", x.autoDelete());
        m.put("internal", x.internal());
        m.put("arguments", x.arguments());
        Map<String, Object> stats = new LinkedHashMap<>();
        MessageStats s = x.stats();
        put(stats, "publish_in", s.publish(), s.publishRate(), s, 0);
        m.put("message_stats", stats);
        return m;
    }

    static Map<String, Object> binding(BrokerAdmin.BindingInfo b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", b.source());
        m.put("vhost", b.vhost());
        m.put("destination", b.destination());
        m.put("destination_type", b.destinationType());
        m.put("routing_key", b.routingKey());
        m.put("arguments", b.arguments());
        m.put("properties_key", propertiesKey(b));
        return m;
    }

    /** RabbitMQ's binding "props": the routing key when there are no arguments ({@code ~} for empty), else key~hash. */
    static String propertiesKey(BrokerAdmin.BindingInfo b) {
        if (b.arguments() == null || b.arguments().isEmpty()) {
            return b.routingKey().isEmpty() ? "~" : b.routingKey();
        }
        return b.routingKey() + "~" + Integer.toHexString(new java.util.TreeMap<>(b.arguments()).toString()
                .hashCode());
    }

    static Map<String, Object> connection(BrokerAdmin.ConnectionInfo c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.id());
        m.put("user", c.user());
        m.put("vhost", c.vhost());
        m.put("peer_host", host(c.remoteAddress()));
        m.put("peer_address", c.remoteAddress());
        m.put("protocol", "AMQP 1-0");
        m.put("container_id", c.containerId());
        m.put("connected_at", c.connectedAtMs());
        m.put("state", "running");
        m.put("channels", c.sessions().size());
        List<Object> sessions = new ArrayList<>();
        for (BrokerAdmin.SessionInfo s : c.sessions()) {
            sessions.add(Map.of("number", s.channel(), "links", s.links()));
        }
        m.put("sessions", sessions);
        List<Object> links = new ArrayList<>();
        for (BrokerAdmin.LinkInfo l : c.links()) {
            links.add(link(l));
        }
        m.put("links", links);
        m.put("message_stats", stats(c.stats()));
        return m;
    }

    static Map<String, Object> link(BrokerAdmin.LinkInfo l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", l.name());
        m.put("role", l.role());
        m.put("address", l.address());
        m.put("session", l.session());
        m.put("credit", l.credit());
        m.put("unsettled", l.unsettled());
        m.put("message_stats", stats(l.stats()));
        return m;
    }

    private static String host(String address) {
        if (address == null) {
            return null;
        }
        String a = address.startsWith("/") ? address.substring(1) : address;
        int colon = a.lastIndexOf(':');
        return colon > 0 ? a.substring(0, colon) : a;
    }
}
