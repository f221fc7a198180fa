package io.wharf.amqp.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The in-process fuzzer for a bounded time (wharf.fuzz.seconds, default 20; longer runs: bench FuzzBench). The
 * seed is printed so a failure can be replayed (wharf.fuzz.seed).
 */
class DecoderFuzzTest {

    @Test
    @Timeout(120)
    void mutatedFramesNeverBreakTheDecoders() {
        long seconds = Long.getLong("wharf.fuzz.seconds", 20);
        long seed = Long.getLong("wharf.fuzz.seed", System.nanoTime());
        FuzzReport report = DecoderFuzz.run(seconds * 1000, seed);
        System.out.println("DecoderFuzz seed " + seed + ": " + report);
        assertTrue(report.failures().isEmpty(), "seed " + seed + ": " + report);
        assertTrue(report.inputs() > 1000, "too few inputs: " + report);
    }
}
