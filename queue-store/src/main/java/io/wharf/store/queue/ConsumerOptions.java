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
 * @param filter       which messages the consumer takes; null for all of them
 */
public record ConsumerOptions(int priority, boolean browse, StreamOffset streamOffset, String consumerName,
        ConsumerFilter filter) {

    public static final ConsumerOptions DEFAULT = new ConsumerOptions(0, false);

    public ConsumerOptions {
        Objects.requireNonNull(streamOffset, "streamOffset");
    }

    /** Options starting a stream consumer at {@code next} (the default). */
    public ConsumerOptions(int priority, boolean browse) {
        this(priority, browse, StreamOffset.NEXT);
    }

    /** Options of a consumer that takes every message. */
    public ConsumerOptions(int priority, boolean browse, StreamOffset streamOffset, String consumerName) {
        this(priority, browse, streamOffset, consumerName, null);
    }

    /** These options with {@code filter} (null: every message). */
    public ConsumerOptions withFilter(ConsumerFilter filter) {
        return new ConsumerOptions(priority, browse, streamOffset, consumerName, filter);
    }

    /** Options of an anonymous consumer. */
    public ConsumerOptions(int priority, boolean browse, StreamOffset streamOffset) {
        this(priority, browse, streamOffset, null);
    }
}
