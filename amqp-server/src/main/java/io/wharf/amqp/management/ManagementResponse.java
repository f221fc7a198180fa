package io.wharf.amqp.management;

/**
 * The answer to a {@link ManagementRequest}.
 *
 * @param status HTTP status code (sent as the response's subject, as text)
 * @param body   the amqp-value body: a map, a list, null, or for errors a text saying what was wrong
 */
public record ManagementResponse(int status, Object body) {

    public static ManagementResponse error(int status, String explanation) {
        return new ManagementResponse(status, explanation);
    }
}
