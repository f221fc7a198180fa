package io.wharf.bench;

import java.lang.management.MemoryMXBean;

/** Heap measurements for the benchmarks that report bytes per message. */
final class HeapUse {

    private HeapUse() {
    }

    /** The lowest heap in use over five full collections 200 ms apart: live data, as far as the JVM lets us see. */
    static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
