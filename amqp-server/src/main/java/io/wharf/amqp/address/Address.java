package io.wharf.amqp.address;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A parsed AMQP address. Forms (RabbitMQ "v2" addresses, names percent-encoded per RFC 3986):
 * <pre>
 *   /queues/:q              a queue
 *   /exchanges/:x           exchange x, empty routing key
 *   /exchanges/:x/:key      exchange x with a routing key
 *   orders                  a plain name (Qpid JMS, Artemis style): a queue of that name
 * </pre>
 *
 * @param kind       what the address names
 * @param name       the queue or exchange name, percent-decoded
 * @param routingKey the routing key for exchange addresses ("" when absent), percent-decoded; null otherwise
 */
public record Address(Kind kind, String name, String routingKey) {

    public enum Kind { QUEUE, EXCHANGE, PLAIN }

    /**
     * Parses an address.
     *
     * @throws IllegalArgumentException with a message a person can act on, for a malformed address
     */
    public static Address parse(String address) {
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("empty address");
        }
        if (!address.startsWith("/")) {
            return new Address(Kind.PLAIN, address, null);
        }
        if (address.startsWith("/queues/")) {
            String rest = address.substring("/queues/".length());
            if (rest.isEmpty() || rest.indexOf('/') >= 0) {
                throw new IllegalArgumentException("address '" + address + "' is not of the form /queues/:queue");
            }
            return new Address(Kind.QUEUE, decode(rest, address), null);
        }
        if (address.startsWith("/exchanges/")) {
            String rest = address.substring("/exchanges/".length());
            int slash = rest.indexOf('/');
            String exchange = slash < 0 ? rest : rest.substring(0, slash);
            String key = slash < 0 ? "" : rest.substring(slash + 1);
            if (key.indexOf('/') >= 0) {
                throw new IllegalArgumentException(
                        "address '" + address + "' is not of the form /exchanges/:exchange[/:routing-key]");
            }
            return new Address(Kind.EXCHANGE, decode(exchange, address), decode(key, address));
        }
        throw new IllegalArgumentException("address '" + address
                + "' is not supported; use /queues/:queue, /exchanges/:exchange/:key or a plain queue name");
    }

    /** RFC 3986 percent-decoding; '+' is a literal plus (this is not form encoding). */
    static String decode(String encoded, String whole) {
        if (encoded.indexOf('%') < 0) {
            return encoded;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw new IllegalArgumentException("address '" + whole + "' has a truncated percent-escape");
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("address '" + whole + "' has a bad percent-escape '"
                            + encoded.substring(i, i + 3) + "'");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                int end = encoded.indexOf('%', i);
                if (end < 0) {
                    end = encoded.length();
                }
                byte[] literal = encoded.substring(i, end).getBytes(StandardCharsets.UTF_8);
                out.write(literal, 0, literal.length);
                i = end - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
