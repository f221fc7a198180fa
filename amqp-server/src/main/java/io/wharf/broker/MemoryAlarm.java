package io.wharf.broker;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heap pressure, judged two ways against the maximum heap: what the garbage collector could not free (the heap pools'
 * usage after their last collection), and the payload bytes transient queues hold on the heap. The first alone can
 * lag far behind: G1 measures its old generation after a mixed or full collection only, and a heap filling with
 * transient messages may run out before one happens. Transient payloads may use half the watermark. Checked on a
 * timer; {@link #on()} is a volatile read.
 */
final class MemoryAlarm {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryAlarm.class);

    private final int highWatermarkPercent;
    private final List<MemoryPoolMXBean> heapPools;
    private final long maxHeapBytes = Runtime.getRuntime().maxMemory();
    private volatile boolean on;

    private final LongSupplier heldBytes;

    MemoryAlarm(int highWatermarkPercent, LongSupplier heldBytes) {
        this.highWatermarkPercent = highWatermarkPercent;
        this.heldBytes = heldBytes;
        this.heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported())
                .toList();
    }

    boolean on() {
        return on;
    }

    void check() {
        long live = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            MemoryUsage afterGc = pool.getCollectionUsage();
            if (afterGc != null) {
                live += afterGc.getUsed();
            }
        }
        long held = heldBytes.getAsLong();
        boolean nowOn = live * 100 > maxHeapBytes * highWatermarkPercent
                || held * 200 > maxHeapBytes * highWatermarkPercent;
        if (nowOn != on) {
            on = nowOn;
            if (nowOn) {
                LOG.warn("Heap in use after GC ({} MB), or transient messages on the heap ({} MB), above the memory"
                        + " watermark ({}% of {} MB; half that for transient messages): producers get no new credit"
                        + " until it falls", live >> 20, held >> 20, highWatermarkPercent, maxHeapBytes >> 20);
            } else {
                LOG.info("Heap in use after GC is below {}% again: producers get credit again", highWatermarkPercent);
            }
        }
    }
}
