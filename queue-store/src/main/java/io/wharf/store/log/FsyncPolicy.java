package io.wharf.store.log;

/**
 * When the {@link LogWriter} forces written records to disk. One policy per broker.
 *
 * <ul>
 *   <li>{@code batch} (default): group commit. After writing a batch, every file that got a record appended
 *       with {@code force = true} is forced once; those records' futures complete only after the force.</li>
 *   <li>{@code interval:<ms>}: futures complete once written; dirty files are forced at most every
 *       {@code <ms>} milliseconds (and at least that often while there is unforced data).</li>
 *   <li>{@code never}: futures complete once written; nothing is forced except when a segment is sealed and
 *       when a log is closed. For tests and caches.</li>
 * </ul>
 *
 * Records appended with {@code force = false} never wait for a force under any policy.
 *
 * @param kind       which policy
 * @param intervalMs for {@link Kind#INTERVAL} the minimum time between forces, else 0
 */
public record FsyncPolicy(Kind kind, long intervalMs) {

    public enum Kind { BATCH, INTERVAL, NEVER }

    public static final FsyncPolicy BATCH = new FsyncPolicy(Kind.BATCH, 0);
    public static final FsyncPolicy NEVER = new FsyncPolicy(Kind.NEVER, 0);

    private static final String INTERVAL_PREFIX = "interval:";

    public FsyncPolicy {
        if (kind == null) {
            throw new IllegalArgumentException("fsync policy kind must not be null");
        }
        if (kind == Kind.INTERVAL ? intervalMs < 1 : intervalMs != 0) {
            throw new IllegalArgumentException("fsync policy " + kind + " cannot have intervalMs " + intervalMs);
        }
    }

    public static FsyncPolicy interval(long intervalMs) {
        return new FsyncPolicy(Kind.INTERVAL, intervalMs);
    }

    /**
     * Parses {@code batch}, {@code never} or {@code interval:<ms>} (ms a whole number from 1). Leading and
     * trailing blanks are ignored; anything else fails with a message naming the value.
     */
    public static FsyncPolicy parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("fsync policy is missing: expected batch, never or interval:<ms>");
        }
        String text = value.strip();
        if (text.equals("batch")) {
            return BATCH;
        }
        if (text.equals("never")) {
            return NEVER;
        }
        if (text.startsWith(INTERVAL_PREFIX)) {
            String ms = text.substring(INTERVAL_PREFIX.length());
            long intervalMs;
            try {
                intervalMs = ms.chars().allMatch(c -> c >= '0' && c <= '9') ? Long.parseLong(ms) : -1;
            } catch (NumberFormatException tooLong) {
                intervalMs = -1;
            }
            if (intervalMs >= 1) {
                return interval(intervalMs);
            }
            throw new IllegalArgumentException("invalid fsync policy '" + value + "': the interval must be a whole"
                    + " number of milliseconds from 1, as in interval:50");
        }
        throw new IllegalArgumentException("invalid fsync policy '" + value
                + "': expected batch, never or interval:<ms> (for example interval:50)");
    }

    /** The text {@link #parse} accepts for this policy. */
    @Override
    public String toString() {
        return switch (kind) {
            case BATCH -> "batch";
            case NEVER -> "never";
            case INTERVAL -> INTERVAL_PREFIX + intervalMs;
        };
    }
}
