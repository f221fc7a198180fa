package io.wharf.bench.perf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The workloads wharf-perf knows. Each fixes the shape (persistence, destinations, how many of each) and takes
 * the rest from the command line; {@link #plan} merges the two.
 */
enum Scenario {

    PERSISTENT_THROUGHPUT("persistent-throughput",
            "1 producer -> 1 queue -> 1 consumer, persistent messages, as fast as the in-flight window allows",
            true, 1, 1, 1, DestinationKind.QUEUE, 0),
    TRANSIENT_THROUGHPUT("transient-throughput",
            "1 producer -> 1 queue -> 1 consumer, non-persistent messages, as fast as the in-flight window allows",
            false, 1, 1, 1, DestinationKind.QUEUE, 0),
    LATENCY("latency",
            "1 -> 1 persistent at a fixed rate (open loop, default 5,000 msg/s); latency from the intended send time",
            true, 1, 1, 1, DestinationKind.QUEUE, 5_000),
    FANOUT("fanout",
            "1 producer -> a topic -> N subscribers (--consumers, default 4), persistent; the rate counts deliveries",
            true, 1, 4, 1, DestinationKind.TOPIC, 0),
    MANY_QUEUES("many-queues",
            "100 queues (--queues): 1 producer connection sending round-robin, 1 consumer connection with one "
                    + "consumer per queue, persistent",
            true, 1, 1, 100, DestinationKind.QUEUE, 0),
    STREAM_REPLAY("stream-replay",
            "a consumer replaying a stream queue from its first offset; NOT AVAILABLE YET: Wharf has no stream "
                    + "queues (x-queue-type=stream) so far",
            true, 1, 1, 1, DestinationKind.QUEUE, 0);

    /** Why a scenario cannot run yet; null when it can. */
    static final String STREAM_REPLAY_UNAVAILABLE = "not available yet: Wharf has no stream queues";

    private final String id;
    private final String description;
    private final boolean persistent;
    private final int producers;
    private final int consumers;
    private final int queues;
    private final DestinationKind kind;
    private final double defaultRatePerSecond;

    Scenario(String id, String description, boolean persistent, int producers, int consumers, int queues,
             DestinationKind kind, double defaultRatePerSecond) {
        this.id = id;
        this.description = description;
        this.persistent = persistent;
        this.producers = producers;
        this.consumers = consumers;
        this.queues = queues;
        this.kind = kind;
        this.defaultRatePerSecond = defaultRatePerSecond;
    }

    String id() {
        return id;
    }

    String description() {
        return description;
    }

    /** Null when the scenario can run, else why not. */
    String unavailableReason() {
        return this == STREAM_REPLAY ? STREAM_REPLAY_UNAVAILABLE : null;
    }

    /** The rate counts deliveries to subscribers (fanout) rather than messages. */
    String unit() {
        return kind == DestinationKind.TOPIC ? "deliveries" : "msg";
    }

    /** This scenario with the command line's settings applied. */
    ScenarioPlan plan(PerfOptions options) {
        int planQueues = kind == DestinationKind.TOPIC ? 1 : options.queues() != null ? options.queues() : queues;
        return new ScenarioPlan(this, persistent,
                options.producers() != null ? options.producers() : producers,
                options.consumers() != null ? options.consumers() : consumers,
                planQueues, kind,
                options.ratePerSecond() != null ? options.ratePerSecond() : defaultRatePerSecond,
                options.sizeBytes(), options.credit(), options.window());
    }

    static Scenario byId(String id) {
        String wanted = id.toLowerCase(Locale.ROOT);
        for (Scenario s : values()) {
            if (s.id.equals(wanted)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + id + "'; one of " + ids() + " or all");
    }

    /** "all" (every scenario, unavailable ones reported as such) or a comma-separated list of ids. */
    static List<Scenario> parseList(String value) {
        if (value.equalsIgnoreCase("all")) {
            return List.of(values());
        }
        List<Scenario> list = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                Scenario s = byId(part.trim());
                if (!list.contains(s)) {
                    list.add(s);
                }
            }
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("--scenario needs at least one of " + ids());
        }
        return list;
    }

    static String ids() {
        return String.join(", ", Arrays.stream(values()).map(Scenario::id).toList());
    }
}
