package io.wharf.bench.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuSamplerTest {

    /** A real line of a JVM's /proc/<pid>/stat: utime (field 14) 1523 and stime (field 15) 311 ticks. */
    private static final String JAVA = "4495 (java) S 1 4495 4495 0 -1 4194560 152712 0 3 0 1523 311 0 0 20 0 "
            + "41 0 271230 9539516416 174998 18446744073709551615 94784559472640 94784559473512 140729436420496 0 "
            + "0 0 0 2 16800973 0 0 0 17 1 0 0 0 0 0 94784559484272 94784559484944 94784584052736 140729436426531 "
            + "140729436426996 140729436426996 140729436430299 0";

    @Test
    void userPlusSystemTicks() {
        assertEquals(1523 + 311, CpuSampler.parseTicks(JAVA));
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String odd = JAVA.replace("(java)", "(my (odd) name 7 8)");
        assertEquals(1523 + 311, CpuSampler.parseTicks(odd));
    }

    @Test
    void garbageIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CpuSampler.parseTicks("no parenthesis here"));
        assertThrows(IllegalArgumentException.class, () -> CpuSampler.parseTicks("12 (java) S 1 2 3"));
    }

    @Test
    void thisProcessUsesSomeCpu() {
        CpuSampler self = CpuSampler.forSelf();
        if (self != null) { // only where there is a /proc
            assertTrue(self.cpuNanos() > 0);
        }
    }
}
