package io.wharf.bench.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PacerTest {

    @Test
    void openLoopStampsEachMessageWithItsIntendedTimeEvenWhenLate() {
        Pacer pacer = new Pacer(1_000, 0); // one per millisecond
        pacer.start(5_000_000);
        assertEquals(0, pacer.nanosUntilNext(5_000_000));
        assertEquals(5_000_000, pacer.take(5_000_000));
        assertEquals(400_000, pacer.nanosUntilNext(5_600_000));
        // the sender stalled for 3 ms: the next messages are overdue and keep their own intended times
        assertEquals(-2_000_000, pacer.nanosUntilNext(8_000_000));
        assertEquals(6_000_000, pacer.take(8_000_000));
        assertEquals(7_000_000, pacer.take(8_000_100));
        assertEquals(8_000_000, pacer.take(8_000_200));
        assertEquals(800, pacer.nanosUntilNext(8_999_200));
    }

    @Test
    void closedLoopIsAlwaysDueAndStampsTheActualTime() {
        Pacer pacer = new Pacer(0, 3);
        pacer.start(100);
        assertFalse(pacer.openLoop());
        assertEquals(0, pacer.nanosUntilNext(150));
        assertEquals(150, pacer.take(150));
        assertEquals(170, pacer.take(170));
        assertEquals(190, pacer.take(190));
        assertTrue(pacer.exhausted());
        assertEquals(Long.MAX_VALUE, pacer.nanosUntilNext(200));
    }

    @Test
    void theSendTimeTravelsInTheFirstEightBytes() {
        byte[] body = Payload.template(16);
        byte[] filler = body.clone();
        Payload.stamp(body, 0, 0x0102030405060708L);
        assertEquals(0x0102030405060708L, Payload.stampOf(body, 0));
        assertEquals(1, body[0]);
        assertEquals(8, body[7]);
        Payload.stamp(body, 8, -42);
        assertEquals(-42, Payload.stampOf(body, 8));
        // the filler is the same for every run
        assertEquals(java.util.Arrays.toString(filler), java.util.Arrays.toString(Payload.template(16)));
    }

    @Test
    void queuesAreDealtOutToConsumers() {
        ScenarioPlan plan = Scenario.MANY_QUEUES.plan(PerfOptions.parse("--queues", "5", "--consumers", "2"));
        List<String> queues = plan.addresses("t");
        assertEquals(List.of("perf-many-queues-t-0", "perf-many-queues-t-1", "perf-many-queues-t-2",
                "perf-many-queues-t-3", "perf-many-queues-t-4"), queues);
        assertEquals(List.of(queues.get(0), queues.get(2), queues.get(4)), plan.addressesOfConsumer(queues, 0));
        assertEquals(List.of(queues.get(1), queues.get(3)), plan.addressesOfConsumer(queues, 1));

        ScenarioPlan shared = Scenario.PERSISTENT_THROUGHPUT.plan(PerfOptions.parse("--consumers", "3"));
        List<String> one = shared.addresses("t");
        assertEquals(List.of("perf-persistent-throughput-t"), one);
        assertEquals(one, shared.addressesOfConsumer(one, 2));
    }
}
