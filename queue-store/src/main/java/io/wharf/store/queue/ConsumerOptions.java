package io.wharf.store.queue;

import io.wharf.store.stream.StreamOffset;
import java.util.Objects;

/**
 * How a consumer takes messages.
 *
 * @param priority     consumer priority ({@code rabbitmq:priority}): messages go to the highest-priority consumers
 *                     that have credit; lower ones get messages only while all higher ones are out of credit
 * @param browse       distribution-mode {@code copy}: sees the waiting messages in order without acquiring them
 *                     (a JMS QueueBrowser); its settlements are ignored
 * @param streamOffset where a consumer of a stream starts ({@code rabbitmq:stream-offset-spec}); classic queues
 *                     ignore it
 * @param consumerName a stream consumer's name ({@code wharf:consumer-name}): its last settled offset is stored
 *                     and it resumes after it; null for an anonymous consumer
 */
public record ConsumerOptions(int priority, boolean browse, StreamOffset streamOffset, String consumerName) {

    public static final ConsumerOptions DEFAULT = new ConsumerOptions(0, false);

    public ConsumerOptions {
        Objects.requireNonNull(streamOffset, "streamOffset");
    }

    /** Options starting a stream consumer at {@code next} (the default). */
    public ConsumerOptions(int priority, boolean browse) {
        this(priority, browse, StreamOffset.NEXT);
    }

    /** Options of an anonymous consumer. */
    public ConsumerOptions(int priority, boolean browse, StreamOffset streamOffset) {
        this(priority, browse, streamOffset, null);
    }
}
