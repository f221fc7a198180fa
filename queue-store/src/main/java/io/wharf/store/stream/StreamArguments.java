package io.wharf.store.stream;

import java.util.Map;

/**
 * The {@code x-} arguments a stream acts on, read once from its definition.
 *
 * @param maxLengthBytes   {@code x-max-length-bytes}: retained bytes above which the oldest segments go; -1 none
 * @param maxAgeMs         {@code x-max-age}: segments whose newest message is older than this go; -1 none
 * @param segmentSizeBytes {@code x-stream-max-segment-size-bytes}: the log's segment size; -1 for the broker's
 */
public record StreamArguments(long maxLengthBytes, long maxAgeMs, int segmentSizeBytes) {

    public static final StreamArguments NONE = new StreamArguments(-1, -1, -1);

    /** The smallest segment size accepted: a stream of tiny segments would be all file handles. */
    public static final int MIN_SEGMENT_SIZE_BYTES = 4096;

    /** @throws IllegalArgumentException naming the argument and the bad value */
    public static StreamArguments from(Map<String, Object> arguments) {
        long maxBytes = -1;
        long maxAgeMs = -1;
        int segmentSize = -1;
        Object bytes = arguments.get("x-max-length-bytes");
        if (bytes != null) {
            if (!(bytes instanceof Number n) || n.longValue() < 0) {
                throw new IllegalArgumentException("x-max-length-bytes must be a non-negative integer, not " + bytes);
            }
            maxBytes = n.longValue();
        }
        Object age = arguments.get("x-max-age");
        if (age != null) {
            if (!(age instanceof String s)) {
                throw new IllegalArgumentException("x-max-age must be a string such as 7D, 12h, 30m or 10s, not "
                        + age);
            }
            maxAgeMs = parseDurationMs(s);
        }
        Object segment = arguments.get("x-stream-max-segment-size-bytes");
        if (segment != null) {
            if (!(segment instanceof Number n) || n.longValue() < MIN_SEGMENT_SIZE_BYTES
                    || n.longValue() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("x-stream-max-segment-size-bytes must be an integer between "
                        + MIN_SEGMENT_SIZE_BYTES + " and " + Integer.MAX_VALUE + ", not " + segment);
            }
            segmentSize = n.intValue();
        }
        return new StreamArguments(maxBytes, maxAgeMs, segmentSize);
    }

    public boolean retains() {
        return maxLengthBytes >= 0 || maxAgeMs >= 0;
    }

    /**
     * A duration as RabbitMQ writes {@code x-max-age}: a positive integer and one unit, {@code Y} (365 days),
     * {@code M} (30 days), {@code D}, {@code h}, {@code m} or {@code s}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static long parseDurationMs(String text) {
        if (text.length() < 2) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 7D, 12h, 30m or 10s");
        }
        long unitMs = switch (text.charAt(text.length() - 1)) {
            case 'Y' -> 365L * 86_400_000L;
            case 'M' -> 30L * 86_400_000L;
            case 'D' -> 86_400_000L;
            case 'h' -> 3_600_000L;
            case 'm' -> 60_000L;
            case 's' -> 1_000L;
            default -> throw new IllegalArgumentException("'" + text
                    + "' has no unit: end it with Y, M, D, h, m or s");
        };
        String digits = text.substring(0, text.length() - 1);
        long amount;
        try {
            amount = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 7D, 12h, 30m or 10s");
        }
        if (amount <= 0 || !digits.chars().allMatch(Character::isDigit) || amount > Long.MAX_VALUE / unitMs) {
            throw new IllegalArgumentException("'" + text + "' must be a positive amount of its unit");
        }
        return amount * unitMs;
    }
}
