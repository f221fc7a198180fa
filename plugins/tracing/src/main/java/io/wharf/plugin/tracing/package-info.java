/**
 * The tracing plugin ({@code tracing}), Wharf's firehose and the worked example of the plugin API: a
 * {@link io.wharf.plugin.MessageInterceptor} that copies matching messages, as they are published and as they are
 * delivered, to a topic exchange ({@code amq.wharf.trace} by default) with routing keys {@code publish.<exchange>} and
 * {@code deliver.<queue>}, annotated with what happened. Knows the broker only through {@code io.wharf.plugin}.
 */
package io.wharf.plugin.tracing;
