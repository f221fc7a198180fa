package io.wharf.bench.perf;

import io.wharf.bench.perf.ClientEngine.ConsumerSpec;
import io.wharf.bench.perf.ClientEngine.Endpoint;
import io.wharf.bench.perf.ClientEngine.LoadConsumer;
import io.wharf.bench.perf.ClientEngine.LoadProducer;
import io.wharf.bench.perf.ClientEngine.ProducerSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Runs one scenario once against one broker: consumers first, then producers; a warm-up that is not counted;
 * the measured window, sampled every second (a progress line each time); then producers stop, consumers drain
 * what is left (on an external broker) and everything closes. Fanout first checks, with a 100-message probe, that every subscriber gets
 * every message; a broker that deals a topic's messages out to competing consumers is reported as not
 * supporting fanout rather than measured.
 */
final class ScenarioRunner {

    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(10);
    private static final long DRAIN_IDLE_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final long DRAIN_MAX_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int PROBE_MESSAGES = 100;
    private static final long PROBE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ClientEngine engine;
    private final PerfOptions options;
    private final PrintStream out;
    private final CpuSampler clientCpu = CpuSampler.forSelf();

    ScenarioRunner(ClientEngine engine, PerfOptions options, PrintStream out) {
        this.engine = engine;
        this.options = options;
        this.out = out;
    }

    /** A snapshot of the counters and CPU clocks. */
    private record Sample(long nanos, long sent, long confirmed, long refused, long received, long brokerCpuNanos,
                          long clientCpuNanos) {
    }

    /**
     * Runs {@code plan} on {@code broker}; {@code jfrFile} non-null records the broker during the measured
     * window. Failures come back as a FAILED result, never as an exception.
     */
    ScenarioResult run(ScenarioPlan plan, BrokerUnderTest broker, int run, Path jfrFile) {
        String scenario = plan.scenario().id();
        try {
            Endpoint endpoint = new Endpoint(broker.host(), broker.port(), options.user(), options.password());
            if (plan.kind() == DestinationKind.TOPIC && plan.consumers() > 1) {
                String problem = probeFanout(plan, endpoint);
                if (problem != null) {
                    out.printf("  %-8s %s: %s%n", broker.label(), scenario, problem);
                    return ScenarioResult.notRun(scenario, broker.label(), engine.kind().label(), run,
                            ScenarioResult.Status.NOT_SUPPORTED, problem, plan.settings());
                }
            }
            return measure(plan, broker, endpoint, run, jfrFile);
        } catch (Exception e) {
            String why = e.getMessage() != null ? e.getMessage() : e.toString();
            out.printf("  %-8s %s FAILED: %s%n", broker.label(), scenario, why);
            if (!broker.alive()) {
                out.println("  the broker exited; its last output:\n" + broker.logTail());
            }
            return ScenarioResult.notRun(scenario, broker.label(), engine.kind().label(), run,
                    ScenarioResult.Status.FAILED, why, plan.settings());
        }
    }

    private ScenarioResult measure(ScenarioPlan plan, BrokerUnderTest broker, Endpoint endpoint, int run,
                                   Path jfrFile) throws Exception {
        List<String> addresses = plan.addresses(tag());
        Meter meter = new Meter();
        List<LoadConsumer> consumers = new ArrayList<>();
        List<LoadProducer> producers = new ArrayList<>();
        CpuSampler brokerCpu = broker.cpu();
        try {
            for (int c = 0; c < plan.consumers(); c++) {
                consumers.add(engine.startConsumer(endpoint, new ConsumerSpec(plan.addressesOfConsumer(addresses, c),
                        plan.kind(), plan.credit(), plan.sizeBytes()), meter));
            }
            for (int p = 0; p < plan.producers(); p++) {
                producers.add(engine.startProducer(endpoint, new ProducerSpec(addresses, plan.kind(),
                        plan.persistent(), plan.sizeBytes(), plan.window(), plan.ratePerSecond() / plan.producers(),
                        0), meter));
            }
            String label = broker.label();
            Sample previous = sample(meter, brokerCpu);
            for (int s = 1; s <= options.warmupSeconds(); s++) {
                Sample now = sampleAt(previous.nanos + TimeUnit.SECONDS.toNanos(1), meter, brokerCpu);
                progress(label, plan, "warm-up", s, options.warmupSeconds(), previous, now, meter.takeLatencies(null));
                previous = now;
                checkAlive(broker);
            }

            if (jfrFile != null) {
                broker.startRecording(jfrFile);
            }
            Sample start = sample(meter, brokerCpu);
            meter.takeLatencies(null); // what arrived before the window is not counted
            Histogram window = new Histogram(1, Meter.MAX_LATENCY_NANOS, 3);
            previous = start;
            Histogram interval = null;
            for (int s = 1; s <= options.durationSeconds(); s++) {
                Sample now = sampleAt(start.nanos + TimeUnit.SECONDS.toNanos(s), meter, brokerCpu);
                interval = meter.takeLatencies(interval);
                window.add(interval);
                progress(label, plan, "measure", s, options.durationSeconds(), previous, now, interval);
                previous = now;
                checkAlive(broker);
            }
            Sample end = previous;
            if (jfrFile != null) {
                broker.stopRecording();
            }
            stopAndDrain(plan, meter, producers, consumers, broker instanceof BrokerUnderTest.External);
            return result(plan, broker, run, start, end, window, brokerCpu != null);
        } finally {
            for (LoadProducer producer : producers) {
                producer.close();
            }
            for (LoadConsumer consumer : consumers) {
                consumer.close();
            }
        }
    }

    /**
     * Stops the producers (waiting for their unsettled sends); on a broker that stays up ({@code drain}), lets the
     * consumers take what is still queued so that its queues are left empty. A broker wharf-perf started is
     * deleted with its backlog anyway.
     */
    private void stopAndDrain(ScenarioPlan plan, Meter meter, List<LoadProducer> producers,
                              List<LoadConsumer> consumers, boolean drain) {
        for (LoadProducer producer : producers) {
            producer.stop(SETTLE_TIMEOUT);
        }
        producers.clear();
        if (!drain) {
            return;
        }
        long expected = meter.confirmedCount() * plan.fanout();
        long started = System.nanoTime();
        long lastProgress = started;
        long lastCount = meter.receivedCount();
        while (meter.receivedCount() < expected) {
            long now = System.nanoTime();
            long count = meter.receivedCount();
            if (count != lastCount) {
                lastCount = count;
                lastProgress = now;
            } else if (now - lastProgress > DRAIN_IDLE_NANOS || now - started > DRAIN_MAX_NANOS) {
                out.printf("  (stopped draining with %,d of %,d deliveries still queued)%n", expected - count,
                        expected);
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        for (LoadConsumer consumer : consumers) {
            consumer.close();
        }
        consumers.clear();
    }

    /**
     * Sends {@value #PROBE_MESSAGES} messages to a fresh topic with the plan's subscribers attached; null when each
     * subscriber got all of them, else what happened instead.
     */
    private String probeFanout(ScenarioPlan plan, Endpoint endpoint) throws Exception {
        List<String> topic = List.of("perf-fanout-probe-" + tag());
        Meter meter = new Meter();
        List<LoadConsumer> subscribers = new ArrayList<>();
        LoadProducer producer = null;
        try {
            for (int c = 0; c < plan.consumers(); c++) {
                subscribers.add(engine.startConsumer(endpoint, new ConsumerSpec(topic, DestinationKind.TOPIC,
                        plan.credit(), plan.sizeBytes()), meter));
            }
            producer = engine.startProducer(endpoint, new ProducerSpec(topic, DestinationKind.TOPIC,
                    plan.persistent(), plan.sizeBytes(), PROBE_MESSAGES, 0, PROBE_MESSAGES), meter);
            long deadline = System.nanoTime() + PROBE_TIMEOUT_NANOS;
            while (System.nanoTime() - deadline < 0 && !allReceived(subscribers, PROBE_MESSAGES)) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            if (allReceived(subscribers, PROBE_MESSAGES)) {
                return null;
            }
            List<Long> counts = subscribers.stream().map(LoadConsumer::received).toList();
            long total = counts.stream().mapToLong(Long::longValue).sum();
            return "not supported yet: of " + PROBE_MESSAGES + " messages sent to a topic, its "
                    + subscribers.size() + " subscribers got " + counts
                    + (total <= PROBE_MESSAGES ? " (they compete for one queue: no topic fanout)" : "");
        } finally {
            if (producer != null) {
                producer.stop(Duration.ofSeconds(2));
            }
            for (LoadConsumer subscriber : subscribers) {
                subscriber.close();
            }
        }
    }

    private static boolean allReceived(List<LoadConsumer> consumers, long count) {
        for (LoadConsumer consumer : consumers) {
            if (consumer.received() < count) {
                return false;
            }
        }
        return true;
    }

    private ScenarioResult result(ScenarioPlan plan, BrokerUnderTest broker, int run, Sample start, Sample end,
                                  Histogram window, boolean cpuKnown) {
        double seconds = (end.nanos - start.nanos) / 1e9;
        long delivered = end.received - start.received;
        double brokerCpuNanos = cpuKnown && end.brokerCpuNanos >= 0 && start.brokerCpuNanos >= 0
                ? end.brokerCpuNanos - start.brokerCpuNanos : Double.NaN;
        double clientCpuNanos = end.clientCpuNanos >= 0 ? end.clientCpuNanos - start.clientCpuNanos : Double.NaN;
        ScenarioResult.Latency latency = window.getTotalCount() == 0 ? null : new ScenarioResult.Latency(
                window.getValueAtPercentile(50) / 1e6, window.getValueAtPercentile(90) / 1e6,
                window.getValueAtPercentile(99) / 1e6, window.getValueAtPercentile(99.9) / 1e6,
                window.getMaxValue() / 1e6);
        long refused = end.refused - start.refused;
        String note = refused > 0 ? refused + " sends refused by the broker" : "";
        return new ScenarioResult(plan.scenario().id(), broker.label(), engine.kind().label(), run,
                ScenarioResult.Status.OK, note, plan.settings(), plan.ratePerSecond(), seconds, delivered, delivered / seconds,
                (end.confirmed - start.confirmed) / seconds, refused,
                delivered > 0 ? brokerCpuNanos / 1e3 / delivered : Double.NaN,
                brokerCpuNanos / (seconds * 1e9) * 100, clientCpuNanos / (seconds * 1e9) * 100, latency);
    }

    private void progress(String broker, ScenarioPlan plan, String phase, int second, int of, Sample from, Sample to,
                          Histogram latencies) {
        double seconds = (to.nanos - from.nanos) / 1e9;
        long delivered = to.received - from.received;
        StringBuilder line = new StringBuilder(String.format("  %-8s %-22s %-7s %3d/%-3d s  recv %,9.0f/s  sent %,9.0f/s",
                broker, plan.scenario().id(), phase, second, of, delivered / seconds,
                (to.confirmed - from.confirmed) / seconds));
        if (latencies.getTotalCount() > 0) {
            line.append(String.format("  p50 %6.2f ms  p99 %7.2f ms", latencies.getValueAtPercentile(50) / 1e6,
                    latencies.getValueAtPercentile(99) / 1e6));
        }
        if (to.brokerCpuNanos >= 0 && from.brokerCpuNanos >= 0) {
            long cpu = to.brokerCpuNanos - from.brokerCpuNanos;
            line.append(String.format("  broker CPU %3.0f%%", cpu / (seconds * 1e9) * 100));
            if (delivered > 0) {
                line.append(String.format(" %5.1f µs/%s", cpu / 1e3 / delivered,
                        plan.kind() == DestinationKind.TOPIC ? "delivery" : "msg"));
            }
        }
        if (to.clientCpuNanos >= 0) {
            line.append(String.format("  client CPU %3.0f%%", (to.clientCpuNanos - from.clientCpuNanos)
                    / (seconds * 1e9) * 100));
        }
        long refused = to.refused - from.refused;
        if (refused > 0) {
            line.append("  refused ").append(refused);
        }
        out.println(line);
    }

    private Sample sample(Meter meter, CpuSampler brokerCpu) {
        return new Sample(System.nanoTime(), meter.sentCount(), meter.confirmedCount(), meter.refusedCount(),
                meter.receivedCount(), brokerCpu != null ? brokerCpu.cpuNanos() : -1,
                clientCpu != null ? clientCpu.cpuNanos() : -1);
    }

    private Sample sampleAt(long deadlineNanos, Meter meter, CpuSampler brokerCpu) {
        long wait;
        while ((wait = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
        return sample(meter, brokerCpu);
    }

    private static void checkAlive(BrokerUnderTest broker) {
        if (!broker.alive()) {
            throw new IllegalStateException(broker.label() + " exited during the run");
        }
    }

    private static String tag() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41), 36);
    }
}
