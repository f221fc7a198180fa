package io.wharf.amqp.filter;

import io.wharf.amqp.message.MessageView;

/** One filter of a consumer's filter set, judged on a parsed message. May throw; {@link SourceFilters} catches. */
interface MessagePredicate {

    boolean test(MessageView message);
}
