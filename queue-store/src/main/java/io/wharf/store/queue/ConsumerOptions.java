package io.wharf.store.queue;

/**
 * How a consumer takes messages.
 *
 * @param priority consumer priority ({@code rabbitmq:priority}): messages go to the highest-priority consumers
 *                 that have credit; lower ones get messages only while all higher ones are out of credit
 * @param browse   distribution-mode {@code copy}: sees the waiting messages in order without acquiring them
 *                 (a JMS QueueBrowser); its settlements are ignored
 */
public record ConsumerOptions(int priority, boolean browse) {

    public static final ConsumerOptions DEFAULT = new ConsumerOptions(0, false);
}
