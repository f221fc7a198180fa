package io.wharf.amqp.management;

/**
 * One HTTP-over-AMQP request of the management link pair.
 *
 * @param messageId the request's message-id, returned as the response's correlation-id
 * @param method    the request's subject: GET, PUT, POST or DELETE
 * @param target    the request's {@code to}: a path with percent-encoded segments and an optional query
 * @param body      the amqp-value body, decoded (proton-j types; a map for PUT and POST, null otherwise)
 */
public record ManagementRequest(Object messageId, String method, String target, Object body) {
}
