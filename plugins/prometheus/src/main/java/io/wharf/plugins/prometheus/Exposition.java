package io.wharf.plugins.prometheus;

import io.wharf.plugin.admin.BrokerAdmin;
import io.wharf.plugin.admin.MessageStats;
import java.util.List;

/**
 * One scrape, written in the text exposition format: each metric family once, with HELP and TYPE, then its samples.
 * Counters end in {@code _total}; label values are escaped as the format says (backslash, quote, newline).
 */
final class Exposition {

    private final BrokerAdmin admin;
    private final List<BrokerAdmin.ConnectionInfo> connections;
    private final StringBuilder out = new StringBuilder(4096);

    Exposition(BrokerAdmin admin, List<BrokerAdmin.ConnectionInfo> connections) {
        this.admin = admin;
        this.connections = connections;
    }

    String render() {
        BrokerAdmin.Overview o = admin.overview();
        List<BrokerAdmin.QueueInfo> queues = admin.queues(null);
        gauge("wharf_up", "1 while the broker runs", 1);
        gauge("wharf_uptime_seconds", "seconds since the broker started", o.uptimeMs() / 1000.0);
        gauge("wharf_connections", "open client connections", connections.size());
        gauge("wharf_vhosts", "virtual hosts", o.vhosts());
        gauge("wharf_queues", "queues in all virtual hosts", o.queues());
        gauge("wharf_exchanges", "exchanges in all virtual hosts", o.exchanges());
        gauge("wharf_consumers", "consumers attached to queues", o.consumers());
        gauge("wharf_messages", "messages in all queues", o.messages());
        MessageStats s = o.stats();
        counter("wharf_messages_published_total", "messages stored into queues", s.publish());
        counter("wharf_messages_delivered_total", "messages sent to consumers", s.deliver());
        counter("wharf_messages_acknowledged_total", "deliveries accepted by consumers", s.ack());
        counter("wharf_messages_redelivered_total", "deliveries of messages delivered before", s.redeliver());
        gauge("wharf_alarms", "resource alarms in force (disk, memory)", admin.alarms().size());
        for (BrokerAdmin.Alarm alarm : admin.alarms()) {
            out.append("wharf_alarm{resource=\"").append(escape(alarm.resource())).append("\"} 1\n");
        }

        family("wharf_queue_messages", "gauge", "messages in the queue");
        queues.forEach(q -> sample("wharf_queue_messages", q, q.messages()));
        family("wharf_queue_consumers", "gauge", "consumers of the queue");
        queues.forEach(q -> sample("wharf_queue_consumers", q, q.consumers()));
        family("wharf_queue_messages_published_total", "counter", "messages stored into the queue");
        queues.forEach(q -> sample("wharf_queue_messages_published_total", q, q.stats().publish()));
        family("wharf_queue_messages_delivered_total", "counter", "messages sent from the queue to consumers");
        queues.forEach(q -> sample("wharf_queue_messages_delivered_total", q, q.stats().deliver()));
        family("wharf_queue_messages_acknowledged_total", "counter", "deliveries from the queue accepted");
        queues.forEach(q -> sample("wharf_queue_messages_acknowledged_total", q, q.stats().ack()));
        family("wharf_queue_messages_redelivered_total", "counter", "redeliveries from the queue");
        queues.forEach(q -> sample("wharf_queue_messages_redelivered_total", q, q.stats().redeliver()));
        return out.toString();
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void gauge(String name, String help, double value) {
        family(name, "gauge", help);
        out.append(name).append(' ').append(number(value)).append('\n');
    }

    private void counter(String name, String help, long value) {
        family(name, "counter", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private void sample(String name, BrokerAdmin.QueueInfo q, long value) {
        out.append(name).append("{vhost=\"").append(escape(q.vhost())).append("\",queue=\"")
                .append(escape(q.name())).append("\",type=\"").append(escape(q.type())).append("\"} ")
                .append(value).append('\n');
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
