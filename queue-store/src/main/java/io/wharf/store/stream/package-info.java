/**
 * Stream queues: a retained {@link io.wharf.store.log.SegmentedLog} that consuming never shrinks. Each consumer
 * reads from its own position ({@link io.wharf.store.stream.StreamOffset}); retention
 * ({@link io.wharf.store.stream.StreamArguments}) deletes whole old segments in the background. Like the classic
 * queue, a stream is confined to one queue thread and knows nothing of AMQP framing.
 */
package io.wharf.store.stream;
