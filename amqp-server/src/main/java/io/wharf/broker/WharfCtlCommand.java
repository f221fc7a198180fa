package io.wharf.broker;

import io.wharf.plugin.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@code wharfctl}: users, permissions and queues of a running broker, through its management HTTP API (the
 * {@code management} plugin), in the manner of {@code rabbitmqctl}.
 *
 * <pre>
 *   wharfctl [--host H] [--port P] [--user U] [--password W] COMMAND ARGS
 *     add-user NAME PASSWORD [TAGS]          TAGS comma-separated: administrator, management, monitoring
 *     delete-user NAME
 *     list-users
 *     change-password NAME PASSWORD
 *     set-user-tags NAME [TAG ...]           no tag: none
 *     set-permissions [--vhost V] NAME CONFIGURE WRITE READ
 *     clear-permissions [--vhost V] NAME
 *     list-permissions [--vhost V]
 *     list-queues [--vhost V]
 * </pre>
 *
 * The port is {@code --port}, else {@code $WHARF_HTTP_PORT}, else 15672; the vhost defaults to {@code /}; the login
 * defaults to guest/guest. {@code --https} (or {@code $WHARF_HTTP_TLS=true}, as the broker's {@code http.tls}) talks
 * HTTPS, trusting the JDK's CAs or, with {@code --cacert FILE}, the PEM CA certificate(s) in FILE (implies HTTPS).
 * Exit status 0, 1 when the broker refused (its reason printed), 2 for bad usage, 3 when
 * the broker cannot be reached.
 */
public final class WharfCtlCommand {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;

    private static final String USAGE_TEXT = String.join("\n",
            "usage: wharfctl [--host H] [--port P] [--user U] [--password W] [--https] [--cacert PEM] COMMAND [ARGS]",
            "  add-user NAME PASSWORD [TAGS]                        TAGS: comma-separated (administrator,...)",
            "  delete-user NAME",
            "  list-users",
            "  change-password NAME PASSWORD",
            "  set-user-tags NAME [TAG ...]",
            "  set-permissions [--vhost V] NAME CONFIGURE WRITE READ",
            "  clear-permissions [--vhost V] NAME",
            "  list-permissions [--vhost V]",
            "  list-queues [--vhost V]",
            "The port is --port, else $WHARF_HTTP_PORT, else 15672; the login defaults to guest/guest.",
            "--https (or WHARF_HTTP_TLS=true) for a broker with http.tls; --cacert: PEM CA certificates to trust.");

    private final HttpClient client;
    private final String base;
    private final String authorization;
    private final PrintStream out;
    private final PrintStream err;

    private WharfCtlCommand(String base, SSLContext tls, String user, String password, PrintStream out,
            PrintStream err) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        this.client = (tls == null ? builder : builder.sslContext(tls)).build();
        this.base = base;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int status = run(args, System.getenv(), System.out, System.err);
        System.exit(status);
    }

    /** Runs one command; returns the exit status. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String host = "127.0.0.1";
        String port = env.getOrDefault("WHARF_HTTP_PORT", "15672");
        String user = "guest";
        String password = "guest";
        String vhost = "/";
        boolean https = "true".equalsIgnoreCase(env.get("WHARF_HTTP_TLS"));
        String caFile = null;
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--https")) {
                https = true;
                continue;
            }
            boolean option = a.startsWith("--") || a.equals("-p");
            if (option && i + 1 >= args.length) {
                err.println("wharfctl: " + a + " needs a value\n" + USAGE_TEXT);
                return USAGE;
            }
            switch (a) {
                case "--host" -> host = args[++i];
                case "--port" -> port = args[++i];
                case "--user" -> user = args[++i];
                case "--password" -> password = args[++i];
                case "--vhost", "-p" -> vhost = args[++i];
                case "--cacert" -> caFile = args[++i];
                default -> {
                    if (a.startsWith("--")) {
                        err.println("wharfctl: unknown option " + a + "\n" + USAGE_TEXT);
                        return USAGE;
                    }
                    words.add(a);
                }
            }
        }
        if (words.isEmpty() || words.get(0).equals("help")) {
            (words.isEmpty() ? err : out).println(USAGE_TEXT);
            return words.isEmpty() ? USAGE : OK;
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            err.println("wharfctl: '" + port + "' is not a port number");
            return USAGE;
        }
        SSLContext tls = null;
        if (caFile != null) {
            https = true;
            try {
                tls = trusting(Path.of(caFile));
            } catch (IOException | GeneralSecurityException e) {
                err.println("wharfctl: --cacert " + caFile + ": cannot read PEM CA certificates from it ("
                        + e.getMessage() + ")");
                return USAGE;
            }
        }
        String base = (https ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
                + "/api";
        WharfCtlCommand ctl = new WharfCtlCommand(base, tls, user, password, out, err);
        try {
            return ctl.execute(words.get(0), words.subList(1, words.size()), vhost);
        } catch (ConnectException e) {
            err.println("wharfctl: cannot reach the broker's management API at " + base + " (is the broker running "
                    + "with the management plugin? set --port or WHARF_HTTP_PORT)");
            return UNREACHABLE;
        } catch (IOException e) {
            err.println("wharfctl: " + base + ": " + e);
            return UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNREACHABLE;
        }
    }

    /** A TLS context trusting exactly the PEM certificates in {@code file}. */
    private static SSLContext trusting(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(file)) {
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + n++, c);
            }
            if (n == 0) {
                throw new GeneralSecurityException("no certificate in the file");
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private int execute(String command, List<String> a, String vhost) throws IOException, InterruptedException {
        String v = enc(vhost);
        switch (command) {
            case "add-user" -> {
                if (a.size() < 2 || a.size() > 3) {
                    return usage(command + " NAME PASSWORD [TAGS]");
                }
                return done(call("PUT", "/users/" + enc(a.get(0)), Map.of("password", a.get(1), "tags",
                        a.size() == 3 ? a.get(2) : "")), "Added user " + a.get(0));
            }
            case "delete-user" -> {
                return a.size() != 1 ? usage(command + " NAME")
                        : done(call("DELETE", "/users/" + enc(a.get(0)), null), "Deleted user " + a.get(0));
            }
            case "change-password" -> {
                if (a.size() != 2) {
                    return usage(command + " NAME PASSWORD");
                }
                Answer user = call("GET", "/users/" + enc(a.get(0)), null);
                if (user.status() != 200) {
                    return done(user, null);
                }
                Object tags = ((Map<?, ?>) Json.parse(user.body())).get("tags");
                return done(call("PUT", "/users/" + enc(a.get(0)), Map.of("password", a.get(1), "tags",
                        String.join(",", asStrings(tags)))), "Changed the password of " + a.get(0));
            }
            case "set-user-tags" -> {
                return a.isEmpty() ? usage(command + " NAME [TAG ...]")
                        : done(call("PUT", "/users/" + enc(a.get(0)), Map.of("tags",
                                String.join(",", a.subList(1, a.size())))), "Set the tags of " + a.get(0));
            }
            case "list-users" -> {
                if (!a.isEmpty()) {
                    return usage(command);
                }
                Answer answer = call("GET", "/users", null);
                if (answer.status() == 200) {
                    out.println("user\ttags");
                    for (Object o : (List<?>) Json.parse(answer.body())) {
                        Map<?, ?> u = (Map<?, ?>) o;
                        out.println(u.get("name") + "\t[" + String.join(", ", asStrings(u.get("tags"))) + "]");
                    }
                }
                return done(answer, null);
            }
            case "set-permissions" -> {
                if (a.size() != 4) {
                    return usage(command + " [--vhost V] NAME CONFIGURE WRITE READ");
                }
                return done(call("PUT", "/permissions/" + v + "/" + enc(a.get(0)), Map.of("configure", a.get(1),
                        "write", a.get(2), "read", a.get(3))), "Set the permissions of " + a.get(0) + " in vhost "
                        + vhost);
            }
            case "clear-permissions" -> {
                return a.size() != 1 ? usage(command + " [--vhost V] NAME")
                        : done(call("DELETE", "/permissions/" + v + "/" + enc(a.get(0)), null),
                                "Cleared the permissions of " + a.get(0) + " in vhost " + vhost);
            }
            case "list-permissions" -> {
                if (!a.isEmpty()) {
                    return usage(command + " [--vhost V]");
                }
                Answer answer = call("GET", "/vhosts/" + v + "/permissions", null);
                if (answer.status() == 200) {
                    out.println("user\tconfigure\twrite\tread");
                    for (Object o : (List<?>) Json.parse(answer.body())) {
                        Map<?, ?> p = (Map<?, ?>) o;
                        out.println(p.get("user") + "\t" + p.get("configure") + "\t" + p.get("write") + "\t"
                                + p.get("read"));
                    }
                }
                return done(answer, null);
            }
            case "list-queues" -> {
                if (!a.isEmpty()) {
                    return usage(command + " [--vhost V]");
                }
                Answer answer = call("GET", "/queues/" + v + "?sort=name", null);
                if (answer.status() == 200) {
                    out.println("name\ttype\tmessages\tconsumers");
                    for (Object o : (List<?>) Json.parse(answer.body())) {
                        Map<?, ?> q = (Map<?, ?>) o;
                        out.println(q.get("name") + "\t" + q.get("type") + "\t" + q.get("messages") + "\t"
                                + q.get("consumers"));
                    }
                }
                return done(answer, null);
            }
            default -> {
                err.println("wharfctl: unknown command '" + command + "'\n" + USAGE_TEXT);
                return USAGE;
            }
        }
    }

    private record Answer(int status, String body) {
    }

    private Answer call(String method, String path, Map<String, Object> body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(Json.write(new LinkedHashMap<>(body))));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    private int done(Answer answer, String success) {
        if (answer.status() >= 200 && answer.status() < 300) {
            if (success != null) {
                out.println(success);
            }
            return OK;
        }
        String reason = answer.body();
        try {
            if (Json.parse(answer.body()) instanceof Map<?, ?> m && m.get("reason") != null) {
                reason = String.valueOf(m.get("reason"));
            }
        } catch (RuntimeException e) {
            // not JSON: print it as it is
        }
        err.println("wharfctl: " + (answer.status() == 401 ? "login refused (check --user / --password): " : "")
                + reason + " (HTTP " + answer.status() + ")");
        return REFUSED;
    }

    private int usage(String form) {
        err.println("usage: wharfctl " + form);
        return USAGE;
    }

    private static List<String> asStrings(Object list) {
        List<String> out = new ArrayList<>();
        if (list instanceof List<?> l) {
            l.forEach(o -> out.add(String.valueOf(o)));
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
