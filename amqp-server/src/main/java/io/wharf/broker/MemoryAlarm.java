package io.wharf.broker;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heap pressure, judged by what the garbage collector could not free: the heap pools' usage after their last
 * collection, against the maximum heap. Checked on a timer; {@link #on()} is a volatile read.
 */
final class MemoryAlarm {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryAlarm.class);

    private final int highWatermarkPercent;
    private final List<MemoryPoolMXBean> heapPools;
    private final long maxHeapBytes = Runtime.getRuntime().maxMemory();
    private volatile boolean on;

    MemoryAlarm(int highWatermarkPercent) {
        this.highWatermarkPercent = highWatermarkPercent;
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
        boolean nowOn = live * 100 > maxHeapBytes * highWatermarkPercent;
        if (nowOn != on) {
            on = nowOn;
            if (nowOn) {
                LOG.warn("Heap in use after GC ({} MB) is above {}% of the maximum ({} MB): producers get no new "
                        + "credit until it falls", live >> 20, highWatermarkPercent, maxHeapBytes >> 20);
            } else {
                LOG.info("Heap in use after GC is below {}% again: producers get credit again", highWatermarkPercent);
            }
        }
    }
}
