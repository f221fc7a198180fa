package io.wharf.plugin.admin;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The broker's topology, connections and counters, for management plugins (the HTTP API, metrics). Reads return
 * snapshots (may lag a little behind the queues); changes return futures that complete once the change is made (and
 * stored, for durable things). A refused operation throws or fails with {@link AdminException} naming the problem,
 * and changes nothing. Every method is thread-safe and never blocks on disk; none may be called on a network loop
 * with {@code join()}.
 */
public interface BrokerAdmin {

    /** The node name ({@code amqp.node-name}). */
    String nodeName();

    /** Broker-wide totals and rates, summed over every queue. */
    Overview overview();

    // ---- virtual hosts ----

    List<String> vhosts();

    /** Completes with true when created, false when it existed. */
    CompletableFuture<Boolean> createVhost(String name);

    /** Deletes the vhost with everything in it; completes with false when there was none. 403 for {@code /}. */
    CompletableFuture<Boolean> deleteVhost(String name);

    // ---- queues ----

    /** The queues of one vhost (404 when it does not exist), or of all vhosts when {@code vhost} is null. */
    List<QueueInfo> queues(String vhost);

    /** The queue, or a 404 {@link AdminException}. */
    QueueInfo queue(String vhost, String name);

    /** Declares a queue; completes with true when created, false when an equivalent one existed (409 different). */
    CompletableFuture<Boolean> declareQueue(QueueSpec spec);

    /** Deletes a queue; completes with its message count. 404 when absent. */
    CompletableFuture<Long> deleteQueue(String vhost, String name);

    /** Removes the messages waiting in a queue; completes with their count. 404 when absent. */
    CompletableFuture<Long> purgeQueue(String vhost, String name);

    /**
     * Takes up to {@code count} messages from the head of a queue, as a consumer would: with {@code requeue} they go
     * back (released, delivery count unchanged) after being read, otherwise they are accepted (removed).
     */
    CompletableFuture<List<FetchedMessage>> get(String vhost, String queue, int count, boolean requeue);

    // ---- exchanges and bindings ----

    List<ExchangeInfo> exchanges(String vhost);

    ExchangeInfo exchange(String vhost, String name);

    /** Completes with true when created, false when an equivalent one existed (409 different, 403 {@code amq.}). */
    CompletableFuture<Boolean> declareExchange(ExchangeSpec spec);

    CompletableFuture<Boolean> deleteExchange(String vhost, String name);

    /**
     * Publishes a message to an exchange ({@code ""} is the default exchange: the routing key names the queue).
     * Completes with true once it is stored in every queue it reached, false when it reached none.
     */
    CompletableFuture<Boolean> publish(String vhost, String exchange, String routingKey, OutgoingMessage message);

    /** Every binding of a vhost, or of all vhosts when null. */
    CompletableFuture<List<BindingInfo>> bindings(String vhost);

    /** Completes with true when added, false when it existed. 404 for an unknown source or destination. */
    CompletableFuture<Boolean> bind(BindingInfo binding);

    /** Completes with true when removed, false when there was no such binding. */
    CompletableFuture<Boolean> unbind(BindingInfo binding);

    // ---- connections and consumers ----

    /** Open client connections with their sessions and links. */
    CompletableFuture<List<ConnectionInfo>> connections();

    /** Closes a connection with {@code amqp:connection:forced} and {@code reason}; completes false when unknown. */
    CompletableFuture<Boolean> closeConnection(String id, String reason);

    // ---- streams ----

    /** Stored offsets of a stream's named consumers, with lag (messages after the stored offset). 404 not a stream. */
    CompletableFuture<List<StreamOffsetInfo>> streamOffsets(String vhost, String stream);

    CompletableFuture<Void> setStreamOffset(String vhost, String stream, String consumer, long offset);

    // ---- scheduled (delayed) messages ----

    /**
     * One page of the messages waiting for their delivery time in a queue, in due-time order. 404 for an unknown vhost
     * or queue, 400 for a queue that cannot hold scheduled messages or a bad cursor.
     *
     * @param after the previous page's {@link ScheduledPage#next()}, or null for the first page
     * @param limit 0 (the count only: no message is read) to 10000
     */
    CompletableFuture<ScheduledPage> scheduledMessages(String vhost, String queue, String after, int limit);

    /**
     * Cancels the scheduled message(s) with this message-id (in its text form: a string as is, a UUID in its usual
     * form, a ulong in decimal, binary in lower-case hex): removed, never delivered. Completes with how many were
     * cancelled, 0 when none is scheduled under that id (unknown, or due already). 404 for an unknown queue.
     */
    CompletableFuture<Integer> cancelScheduledMessage(String vhost, String queue, String messageId);

    // ---- health ----

    /** Resource alarms in force now (empty when healthy). */
    List<Alarm> alarms();

    /**
     * The named consumer groups reading partitioned stream {@code stream}: their members (which connection and link,
     * which partitions) and committed offsets. 404 when {@code stream} is not a partitioned stream.
     */
    default CompletableFuture<List<ConsumerGroupInfo>> consumerGroups(String vhost, String stream) {
        return CompletableFuture.failedFuture(new AdminException(AdminException.Reason.NOT_FOUND,
                "consumer groups are not available here"));
    }

    // ---- records ----

    /** Broker-wide numbers. */
    record Overview(String nodeName, String brokerVersion, long uptimeMs, int vhosts, int queues, int exchanges,
            int connections, int consumers, long messages, long messagesReady, long messagesUnacknowledged,
            MessageStats stats) {
    }

    record QueueInfo(String vhost, String name, String type, boolean durable, boolean exclusive, boolean autoDelete,
            Map<String, Object> arguments, long messages, int consumers, MessageStats stats, long scheduled) {
    }

    record QueueSpec(String vhost, String name, String type, boolean durable, boolean exclusive, boolean autoDelete,
            Map<String, Object> arguments) {
    }

    record ExchangeInfo(String vhost, String name, String type, boolean durable, boolean autoDelete,
            boolean internal, Map<String, Object> arguments, MessageStats stats) {
    }

    record ExchangeSpec(String vhost, String name, String type, boolean durable, boolean autoDelete,
            boolean internal, Map<String, Object> arguments) {
    }

    /** @param destinationType {@code queue} or {@code exchange} */
    record BindingInfo(String vhost, String source, String destination, String destinationType, String routingKey,
            Map<String, Object> arguments) {
    }

    /**
     * A message to publish. {@code properties} uses RabbitMQ's HTTP API names where AMQP 1.0 has the field:
     * message_id, correlation_id, content_type, content_encoding, reply_to, subject, user_id, expiration (ms, a
     * string), priority, delivery_mode (2 = durable), headers (application properties).
     */
    record OutgoingMessage(byte[] payload, Map<String, Object> properties) {
    }

    /**
     * A message taken by {@link #get}.
     *
     * @param payload     the body: the data section's bytes, or an amqp-value string's UTF-8 bytes
     * @param properties  the message's properties in the names {@link OutgoingMessage} uses (headers included)
     * @param redelivered delivered before
     */
    record FetchedMessage(byte[] payload, Map<String, Object> properties, boolean redelivered, long remaining) {
    }

    /** One link of a connection. @param role {@code sender} (broker sends: a consumer) or {@code receiver}. */
    record LinkInfo(String name, String role, String address, int session, long credit, long unsettled,
            MessageStats stats) {
    }

    record SessionInfo(int channel, int links) {
    }

    record ConnectionInfo(String id, String user, String vhost, String remoteAddress, String containerId,
            long connectedAtMs, List<SessionInfo> sessions, List<LinkInfo> links, MessageStats stats) {
    }

    /** @param lag messages in the stream after the stored offset */
    record StreamOffsetInfo(String consumer, long offset, long lag) {
    }

    /**
     * A message stored in a queue but not yet due.
     *
     * @param messageId its message-id in text form (see {@link #cancelScheduledMessage}), null when it has none
     * @param offset    its place in the queue's log
     */
    record ScheduledMessage(String messageId, long deliveryTimeMs, long offset, int sizeBytes) {
    }

    /**
     * @param scheduledCount every message scheduled in the queue (not only this page's)
     * @param next           the cursor for the following page, null on the last one
     */
    record ScheduledPage(String vhost, String queue, long scheduledCount, List<ScheduledMessage> messages,
            String next) {
    }

    /** @param resource {@code disk} or {@code memory} */
    /**
     * @param committed per partition, the group's committed offset (as stored for the group on that partition), or
     *                  -1 when it has none yet
     */
    record ConsumerGroupInfo(String stream, String name, List<GroupMemberInfo> members, List<Long> committed) {
    }

    record GroupMemberInfo(String connection, String link, List<Integer> partitions) {
    }

    record Alarm(String resource, String reason) {
    }
}
