package io.wharf.bench.perf;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * A text summary of a flight recording (such as {@code wharf-perf --jfr} makes of a broker): where the CPU
 * samples are (top frames, inclusive methods, threads), what is allocated and where (sampled allocations
 * weighted by bytes), and what garbage collection cost.
 *
 * <pre>java -cp wharf-bench.jar io.wharf.bench.perf.JfrTop FILE.jfr [TOP, default 25]</pre>
 */
public final class JfrTop {

    private final Map<String, Long> selfSamples = new HashMap<>();
    private final Map<String, Long> inclusiveSamples = new HashMap<>();
    private final Map<String, Long> threadSamples = new HashMap<>();
    private final Map<String, Long> allocatedByClass = new HashMap<>();
    private final Map<String, Long> allocatedBySite = new HashMap<>();
    private final Map<String, Long> allocatedByThread = new HashMap<>();
    private final Map<String, Long> nativeSamples = new HashMap<>();
    private final Map<String, double[]> threadCpu = new HashMap<>();
    private final Map<String, Long> gcCount = new HashMap<>();
    private final Map<String, Long> gcNanos = new HashMap<>();
    private long samples;
    private long nativeTotal;
    private long cpuLoadEvents;
    private double jvmUser;
    private double jvmSystem;
    private double machineTotal;
    private long allocatedBytes;

    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrTop FILE.jfr [TOP]");
            System.exit(2);
        }
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        JfrTop summary = new JfrTop();
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            summary.add(event);
        }
        summary.print(top);
    }

    private void add(RecordedEvent event) {
        switch (event.getEventType().getName()) {
            case "jdk.ExecutionSample" -> {
                samples++;
                count(threadSamples, threadName(event.getThread("sampledThread")), 1);
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    return;
                }
                List<RecordedFrame> frames = stack.getFrames();
                count(selfSamples, method(frames.get(0)), 1);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    String method = method(frame);
                    if (seen.add(method)) {
                        count(inclusiveSamples, method, 1);
                    }
                }
            }
            case "jdk.NativeMethodSample" -> {
                nativeTotal++;
                RecordedStackTrace stack = event.getStackTrace();
                if (stack != null && !stack.getFrames().isEmpty()) {
                    count(nativeSamples, method(stack.getFrames().get(0)) + " <- " + caller(stack), 1);
                }
            }
            case "jdk.ThreadCPULoad" -> {
                double[] load = threadCpu.computeIfAbsent(threadName(event.getThread("eventThread")),
                        k -> new double[3]);
                load[0] += event.getFloat("user");
                load[1] += event.getFloat("system");
                load[2]++;
            }
            case "jdk.CPULoad" -> {
                cpuLoadEvents++;
                jvmUser += event.getFloat("jvmUser");
                jvmSystem += event.getFloat("jvmSystem");
                machineTotal += event.getFloat("machineTotal");
            }
            case "jdk.ObjectAllocationSample" -> {
                long weight = event.getLong("weight");
                allocatedBytes += weight;
                count(allocatedByClass, event.getClass("objectClass").getName(), weight);
                count(allocatedByThread, threadName(event.getThread("eventThread")), weight);
                count(allocatedBySite, site(event.getStackTrace()), weight);
            }
            case "jdk.GarbageCollection" -> {
                String name = event.getString("name");
                count(gcCount, name, 1);
                count(gcNanos, name, event.getDuration("sumOfPauses").toNanos());
            }
            default -> {
                // other events are not summarised
            }
        }
    }

    private void print(int top) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (cpuLoadEvents > 0) {
            System.out.printf("process CPU (jdk.CPULoad, mean of %d): user %.0f%%, system %.0f%% of %d cores "
                    + "(100%% = one core); machine %.0f%% busy%n%n", cpuLoadEvents,
                    100 * cores * jvmUser / cpuLoadEvents, 100 * cores * jvmSystem / cpuLoadEvents, cores,
                    100 * machineTotal / cpuLoadEvents);
        }
        if (!threadCpu.isEmpty()) {
            System.out.println("CPU by thread (jdk.ThreadCPULoad, mean; 100% = one core; pools folded):");
            threadCpu.entrySet().stream()
                    .sorted((a, b) -> Double.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]))
                    .limit(top)
                    .forEach(e -> System.out.printf("  user %5.1f%%  system %5.1f%%  %s%n",
                            100 * cores * e.getValue()[0] / e.getValue()[2],
                            100 * cores * e.getValue()[1] / e.getValue()[2], e.getKey()));
            System.out.println();
        }
        System.out.printf("CPU samples (jdk.ExecutionSample, threads running Java code): %,d%n%n", samples);
        table("top frames (self)", selfSamples, samples, top, "samples");
        table("methods on the stack (inclusive)", inclusiveSamples, samples, top, "samples");
        table("threads", threadSamples, samples, top, "samples");
        table("threads in native code (jdk.NativeMethodSample: waiting or working)", nativeSamples, nativeTotal, top,
                "samples");
        System.out.printf("sampled allocation weight: %,d MB%n%n", allocatedBytes / 1_000_000);
        table("allocated classes", allocatedByClass, allocatedBytes, top, "bytes");
        table("allocation sites (first frame outside java.*, jdk.*, sun.*)", allocatedBySite, allocatedBytes, top,
                "bytes");
        table("allocating threads", allocatedByThread, allocatedBytes, top, "bytes");
        System.out.println("garbage collections:");
        for (Map.Entry<String, Long> gc : gcCount.entrySet()) {
            System.out.printf("  %-30s %,6d collections, %,8.1f ms paused%n", gc.getKey(), gc.getValue(),
                    Duration.ofNanos(gcNanos.get(gc.getKey())).toNanos() / 1e6);
        }
    }

    private static void table(String title, Map<String, Long> counts, long total, int top, String unit) {
        System.out.println(title + ":");
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf("  %5.1f%%  %,14d %s  %s%n", 100.0 * e.getValue() / Math.max(1, total),
                        e.getValue(), unit, e.getKey()));
        System.out.println();
    }

    private static void count(Map<String, Long> counts, String key, long amount) {
        counts.merge(key, amount, Long::sum);
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    /** The first frame that is not the JDK's own: the code that asked for the allocation. */
    private static String site(RecordedStackTrace stack) {
        if (stack == null || stack.getFrames().isEmpty()) {
            return "(no stack)";
        }
        for (RecordedFrame frame : stack.getFrames()) {
            String type = frame.getMethod().getType().getName();
            if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
                return method(frame) + ":" + frame.getLineNumber();
            }
        }
        return method(stack.getFrames().get(0));
    }

    private static String caller(RecordedStackTrace stack) {
        for (RecordedFrame frame : stack.getFrames()) {
            String type = frame.getMethod().getType().getName();
            if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
                return method(frame);
            }
        }
        return "";
    }

    private static String threadName(RecordedThread thread) {
        if (thread == null) {
            return "(unknown)";
        }
        // pools number their threads: fold "wharf-loop-3" and "wharf-loop-7" together
        String name = thread.getJavaName() != null ? thread.getJavaName() : thread.getOSName();
        return name == null ? "(unnamed)" : name.replaceAll("\\d+", "#");
    }
}
