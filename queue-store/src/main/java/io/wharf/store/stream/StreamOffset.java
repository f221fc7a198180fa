package io.wharf.store.stream;

/**
 * Where a stream consumer starts: the value of the {@code rabbitmq:stream-offset-spec} source filter.
 *
 * @param kind  which rule
 * @param value the offset for {@link Kind#OFFSET}, the epoch ms for {@link Kind#TIMESTAMP}, else 0
 */
public record StreamOffset(Kind kind, long value) {

    /** The rules a consumer can ask for. */
    public enum Kind {
        /** The oldest message still retained. */
        FIRST,
        /** The newest message (the next one when the stream is empty). */
        LAST,
        /** Only messages published after the consumer attached (the default). */
        NEXT,
        /** The message with this offset (clamped to what is retained and what exists). */
        OFFSET,
        /** The first message stored at or after this time. */
        TIMESTAMP
    }

    public static final StreamOffset FIRST = new StreamOffset(Kind.FIRST, 0);
    public static final StreamOffset LAST = new StreamOffset(Kind.LAST, 0);
    public static final StreamOffset NEXT = new StreamOffset(Kind.NEXT, 0);

    public static StreamOffset offset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("a stream offset cannot be negative, was " + offset);
        }
        return new StreamOffset(Kind.OFFSET, offset);
    }

    public static StreamOffset timestamp(long epochMs) {
        return new StreamOffset(Kind.TIMESTAMP, epochMs);
    }

    /**
     * Reads the string forms: {@code first}, {@code last}, {@code next}, or an interval back from {@code nowMs}
     * such as {@code 10m} (units as {@code x-max-age}: Y M D h m s).
     *
     * @throws IllegalArgumentException for anything else, with what was wrong
     */
    public static StreamOffset parse(String spec, long nowMs) {
        switch (spec) {
            case "first":
                return FIRST;
            case "last":
                return LAST;
            case "next":
                return NEXT;
            default:
                return timestamp(nowMs - StreamArguments.parseDurationMs(spec));
        }
    }
}
