package io.wharf.amqp.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wharf.plugin.admin.MessageStats;
import org.junit.jupiter.api.Test;

class MessageCountersTest {

    @Test
    void ratesComeFromTheLastTwoSamplesAndTheRingKeepsTheNewest() {
        MessageCounters total = new MessageCounters(3);
        MessageCounters queue = new MessageCounters(3, total);
        queue.sample(1_000);
        for (int i = 0; i < 10; i++) {
            queue.published();
        }
        queue.delivered(false);
        queue.delivered(true);
        queue.acked();
        queue.sample(3_000);
        MessageStats stats = queue.stats();
        assertEquals(10, stats.publish());
        assertEquals(2, stats.deliver());
        assertEquals(1, stats.redeliver());
        assertEquals(1, stats.ack());
        assertEquals(5.0, stats.publishRate());
        assertEquals(1.0, stats.deliverRate());
        assertEquals(0.5, stats.ackRate());

        queue.sample(4_000);
        queue.sample(5_000);
        MessageStats later = queue.stats();
        assertEquals(3, later.samples().size());
        assertEquals(3_000, later.samples().get(0).timestampMs(), "the oldest sample fell out of the ring");
        assertEquals(5_000, later.samples().get(2).timestampMs());
        assertEquals(0.0, later.publishRate());
        assertEquals(10, total.stats().publish(), "queues add to the broker-wide totals");
    }

    @Test
    void noRateBeforeTwoSamples() {
        MessageCounters counters = new MessageCounters(12);
        counters.published();
        assertEquals(0.0, counters.stats().publishRate());
        counters.sample(1);
        assertEquals(0.0, counters.stats().publishRate());
        assertEquals(1, counters.stats().samples().size());
    }
}
