package io.wharf.amqp.management;

import io.wharf.store.meta.Arguments;
import io.wharf.store.meta.BindingDefinition;
import io.wharf.store.meta.BindingDefinition.DestinationKind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A binding's management path, as RabbitMQ 4 shapes it:
 * {@code /bindings/src=<source>;dstq=<queue>;key=<key>;args=<hash>} ({@code dste=} for an exchange destination).
 * Names are percent-encoded (everything but RFC 3986 unreserved characters); {@code <hash>} identifies the
 * arguments: URL-safe base64 without padding of a 32-bit hash, empty when there are none. Clients never compute a
 * hash themselves (they send {@code args=} for a binding without arguments and use the {@code location} Wharf
 * returns otherwise), so Wharf's hash is its own: CRC-32 of the arguments' canonical JSON.
 */
final class BindingLocation {

    /** A parsed binding path segment. */
    record Parsed(String source, DestinationKind kind, String destination, String key, String argumentsHash) {
    }

    private BindingLocation() {
    }

    static String of(BindingDefinition b) {
        return "/bindings/src=" + encode(b.source())
                + ";dst" + (b.destinationKind() == DestinationKind.QUEUE ? "q" : "e") + "=" + encode(b.destination())
                + ";key=" + encode(b.routingKey())
                + ";args=" + hash(b.arguments());
    }

    static String hash(Map<String, Object> arguments) {
        if (arguments.isEmpty()) {
            return "";
        }
        CRC32 crc = new CRC32();
        crc.update(Arguments.canonicalJson(arguments).getBytes(StandardCharsets.UTF_8));
        byte[] four = ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(four);
    }

    /**
     * @throws AmqpValues.BadRequest for a segment not of the form above
     */
    static Parsed parse(String segment) {
        String[] parts = segment.split(";", -1);
        if (parts.length != 4 || !parts[0].startsWith("src=") || !(parts[1].startsWith("dstq=")
                || parts[1].startsWith("dste=")) || !parts[2].startsWith("key=") || !parts[3].startsWith("args=")) {
            throw new AmqpValues.BadRequest("bad binding path segment '" + segment
                    + "'; expected src=<exchange>;dstq=<queue>|dste=<exchange>;key=<key>;args=<hash>");
        }
        DestinationKind kind = parts[1].charAt(3) == 'q' ? DestinationKind.QUEUE : DestinationKind.EXCHANGE;
        return new Parsed(decode(parts[0].substring(4)), kind, decode(parts[1].substring(5)),
                decode(parts[2].substring(4)), parts[3].substring(5));
    }

    /** Percent-encodes every byte that is not an RFC 3986 unreserved character. */
    static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /**
     * Percent-decodes ({@code +} stays a plus: these are paths, not form data).
     *
     * @throws AmqpValues.BadRequest for a broken escape
     */
    static String decode(String encoded) {
        if (encoded.indexOf('%') < 0) {
            return encoded;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        byte[] bytes = encoded.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%') {
                int hi = i + 2 < bytes.length ? Character.digit(bytes[i + 1], 16) : -1;
                int lo = i + 2 < bytes.length ? Character.digit(bytes[i + 2], 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new AmqpValues.BadRequest("bad percent-escape in '" + encoded + "'");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
