package io.wharf.bench.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a process (all its threads, user + system) from {@code /proc/<pid>/stat}, the way {@code top} reads
 * it. Linux only; elsewhere {@link #available()} is false and the reports leave the CPU columns empty.
 */
final class CpuSampler {

    /** Fields 14 and 15 of stat(5), counted from the first field after the command name's closing parenthesis. */
    private static final int UTIME_AFTER_COMM = 11;
    private static final int STIME_AFTER_COMM = 12;

    private final Path statFile;
    private final long ticksPerSecond;

    private CpuSampler(Path statFile, long ticksPerSecond) {
        this.statFile = statFile;
        this.ticksPerSecond = ticksPerSecond;
    }

    /** A sampler for process {@code pid}; null when there is no {@code /proc} to read. */
    static CpuSampler forPid(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        return Files.isReadable(stat) ? new CpuSampler(stat, clockTicksPerSecond()) : null;
    }

    /** A sampler for this JVM (the load client). */
    static CpuSampler forSelf() {
        return forPid(ProcessHandle.current().pid());
    }

    boolean available() {
        return Files.isReadable(statFile);
    }

    /** CPU time used so far, in nanoseconds; -1 when the process is gone. */
    long cpuNanos() {
        try {
            String line = Files.readString(statFile, StandardCharsets.US_ASCII);
            return parseTicks(line) * 1_000_000_000L / ticksPerSecond;
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * utime + stime, in clock ticks, of one {@code /proc/<pid>/stat} line. The command name (field 2) is in
     * parentheses and may itself hold spaces and parentheses, so fields are counted from its last ')'.
     */
    static long parseTicks(String statLine) {
        int close = statLine.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + statLine);
        }
        String[] fields = statLine.substring(close + 1).trim().split("\\s+");
        if (fields.length <= STIME_AFTER_COMM) {
            throw new IllegalArgumentException("/proc/<pid>/stat line too short: " + statLine);
        }
        return Long.parseLong(fields[UTIME_AFTER_COMM]) + Long.parseLong(fields[STIME_AFTER_COMM]);
    }

    /** USER_HZ, the unit of the stat file's times: {@code getconf CLK_TCK}, 100 on every common Linux. */
    static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (getconf.waitFor() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to the usual value
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
