package io.wharf.amqp.engine;

import io.wharf.exchange.PartitionExchange;
import io.wharf.plugin.admin.BrokerAdmin;
import io.wharf.exchange.PartitionedStreams.PartitionedStream;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.stream.StreamOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer groups of one virtual host's partitioned streams, by stream and group name. Groups, their members
 * and the members' partition readers all run on one thread per virtual host (made on first use, ended after a
 * minute idle), so assignment, credit and offsets change together without locks; the event loops and stream threads
 * only post to it.
 */
final class ConsumerGroups {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroups.class);

    private final String vhost;
    private volatile ScheduledExecutorService executor;
    private final AtomicLong joins = new AtomicLong();
    /** Named groups by stream and name. Group thread only. */
    private final Map<String, ConsumerGroup> groups = new HashMap<>();

    ConsumerGroups(String vhost) {
        this.vhost = vhost;
    }

    /** The group thread. */
    ScheduledExecutorService executor() {
        ScheduledExecutorService current = executor;
        if (current == null) {
            synchronized (this) {
                current = executor;
                if (current == null) {
                    current = new LoggingExecutor(vhost);
                    executor = current;
                }
            }
        }
        return current;
    }

    /**
     * A new member (not joined yet: it joins when its link adds it as a consumer) of group {@code groupName} of
     * {@code stream}; a null name makes a private group reading every partition, storing nothing.
     *
     * @param startSpec where partitions start when the group has no stored offset for them
     */
    GroupMember member(PartitionedStream stream, String groupName, StreamOffset startSpec, String connectionId,
            String linkName) {
        QueueDefinition definition = new QueueDefinition(vhost, stream.name(), "stream", true, false, false,
                Map.of("x-queue-type", "stream", PartitionExchange.PARTITIONS, (long) stream.partitionCount()));
        return new GroupMember(new GroupRef(stream, groupName), definition, startSpec, joins.incrementAndGet(),
                connectionId, linkName);
    }

    /** The named groups reading {@code stream} now, by name; asked on the group thread (none when it never ran). */
    java.util.concurrent.CompletableFuture<java.util.List<BrokerAdmin.ConsumerGroupInfo>> groupsOf(String stream) {
        if (executor == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(java.util.List.of());
        }
        java.util.concurrent.CompletableFuture<java.util.List<BrokerAdmin.ConsumerGroupInfo>> answer =
                new java.util.concurrent.CompletableFuture<>();
        executor().execute(() -> {
            java.util.List<BrokerAdmin.ConsumerGroupInfo> list = new java.util.ArrayList<>();
            for (ConsumerGroup group : groups.values()) {
                if (group.stream.equals(stream)) {
                    list.add(group.info());
                }
            }
            list.sort(java.util.Comparator.comparing(BrokerAdmin.ConsumerGroupInfo::name));
            answer.complete(list);
        });
        return answer;
    }

    /** The group a member belongs to, found (or made) on the group thread when it joins. */
    final class GroupRef {
        private final PartitionedStream stream;
        private final String name;
        private ConsumerGroup group;

        GroupRef(PartitionedStream stream, String name) {
            this.stream = stream;
            this.name = name;
        }

        ScheduledExecutorService executor() {
            return ConsumerGroups.this.executor();
        }

        /** The group, made when missing. Group thread. */
        ConsumerGroup resolve() {
            if (group == null) {
                if (name == null) {
                    group = new ConsumerGroup(ConsumerGroups.this, stream.name(), null, stream.partitions());
                } else {
                    group = groups.computeIfAbsent(key(stream.name(), name),
                            k -> new ConsumerGroup(ConsumerGroups.this, stream.name(), name, stream.partitions()));
                }
            }
            return group;
        }
    }

    /** A group's last member left: a later member starts a new group from the stored offsets. Group thread. */
    void ended(ConsumerGroup group) {
        if (group.name != null) {
            groups.remove(key(group.stream, group.name), group);
        }
    }

    private static String key(String stream, String group) {
        return stream + '\u0000' + group;
    }

    /** The group thread; a task that throws is logged (a scheduled executor would keep the error to itself). */
    private static final class LoggingExecutor extends ScheduledThreadPoolExecutor {

        LoggingExecutor(String vhost) {
            super(1, r -> {
                Thread t = new Thread(r, "wharf-consumer-groups-" + vhost);
                t.setDaemon(true);
                return t;
            });
            // An idle vhost (or a deleted one) does not keep its group thread: it ends after a minute with nothing
            // to do (never while a delayed task waits) and is made again on demand.
            setKeepAliveTime(60, java.util.concurrent.TimeUnit.SECONDS);
            allowCoreThreadTimeOut(true);
        }

        @Override
        protected void afterExecute(Runnable task, Throwable thrown) {
            if (thrown == null && task instanceof Future<?> future && future.isDone() && !future.isCancelled()) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    thrown = e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (thrown != null) {
                LOG.error("Consumer groups: a task failed", thrown);
            }
        }
    }
}
