package io.wharf.plugin.http;

import io.wharf.plugin.UserAdmin;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as a route sees it: fully read (bodies are small; the server refuses large ones with 413).
 *
 * @param method   upper-case method, e.g. {@code GET}
 * @param path     the path without the query, still percent-encoded (so {@code %2F}, the default vhost, stays one
 *                 segment); see {@link #segments()}
 * @param query    query parameters, decoded (the first value of each name)
 * @param headers  request headers, names in lower case (the first value of each name)
 * @param body     the body bytes (empty when none)
 * @param user     the authenticated user; null on a {@link HttpRoutes.Access#PUBLIC} route
 * @param remote   the client's address
 */
public record HttpRequest(String method, String path, Map<String, String> query, Map<String, String> headers,
        byte[] body, UserAdmin.User user, InetAddress remote) {

    /** The path's segments, each percent-decoded; a trailing slash adds no empty segment. */
    public List<String> segments() {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return List.of();
        }
        return java.util.Arrays.stream(p.split("/", -1)).map(HttpRequest::decode).toList();
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** RFC 3986 percent-decoding ({@code +} stays a plus). Malformed escapes are kept as they are. */
    public static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        byte[] out = new byte[s.length()];
        int n = 0;
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
                out[n++] = (byte) (hex(in[i + 1]) << 4 | hex(in[i + 2]));
                i += 2;
            } else {
                out[n++] = in[i];
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static int hex(byte b) {
        return b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
    }
}
