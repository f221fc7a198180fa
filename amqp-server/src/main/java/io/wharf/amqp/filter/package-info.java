/**
 * Consumer filters, one engine for classic queues and streams: the tag filter ({@code rabbitmq:stream-filter}),
 * the AMQP filter expressions for properties and application properties ({@code amqp:properties-filter},
 * {@code amqp:application-properties-filter}), SQL filter expressions ({@code amqp:sql-filter}) and JMS selectors
 * (one parser, {@link io.wharf.amqp.filter.SelectorParser}, one evaluator with SQL-92 three-valued logic), and
 * no-local. {@link io.wharf.amqp.filter.SourceFilters} reads a source's filter set at attach and becomes the
 * queue's {@link io.wharf.store.queue.ConsumerFilter}; filters read messages through the zero-copy
 * {@link io.wharf.amqp.message.MessageView}, decoding only the sections they name. Nothing here throws into the
 * broker at delivery time: a message a filter cannot judge does not match.
 */
package io.wharf.amqp.filter;
