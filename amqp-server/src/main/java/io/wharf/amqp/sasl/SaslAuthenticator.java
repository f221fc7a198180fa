package io.wharf.amqp.sasl;

import io.wharf.plugin.UserAdmin;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Checks SASL PLAIN, ANONYMOUS and EXTERNAL logins against the broker's users. Password hashes are deliberately slow
 * (milliseconds), so verification runs on {@code hashingExecutor}, never on a connection's event loop.
 */
public final class SaslAuthenticator {

    public static final String PLAIN = "PLAIN";
    public static final String ANONYMOUS = "ANONYMOUS";
    /** The TLS client certificate's CN is the user name (offered only with a verified client certificate). */
    public static final String EXTERNAL = "EXTERNAL";
    /** The user name an ANONYMOUS login runs as. */
    public static final String ANONYMOUS_USER = "anonymous";

    private final boolean anonymousEnabled;
    private final UserAdmin users;
    private final Executor hashingExecutor;

    public SaslAuthenticator(boolean anonymousEnabled, UserAdmin users, Executor hashingExecutor) {
        this.anonymousEnabled = anonymousEnabled;
        this.users = users;
        this.hashingExecutor = hashingExecutor;
    }

    /** The mechanisms to offer, most preferred first. */
    public String[] mechanisms() {
        return anonymousEnabled ? new String[] {PLAIN, ANONYMOUS} : new String[] {PLAIN};
    }

    /** The mechanisms to offer; EXTERNAL first when the client presented a verified certificate. */
    public String[] mechanisms(boolean clientCertificate) {
        if (!clientCertificate) {
            return mechanisms();
        }
        return anonymousEnabled ? new String[] {EXTERNAL, PLAIN, ANONYMOUS} : new String[] {EXTERNAL, PLAIN};
    }

    /**
     * Authenticates one sasl-init; {@code certificateName} is the CN of the connection's verified TLS client
     * certificate (null without one), which SASL EXTERNAL logs in as when a user of that name exists. The
     * initial response of EXTERNAL (an authorization identity) is ignored.
     */
    public CompletableFuture<String> authenticate(String mechanism, byte[] initialResponse, InetAddress remote,
            String certificateName) {
        if (EXTERNAL.equals(mechanism)) {
            if (certificateName == null) {
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.completedFuture(users.user(certificateName)
                    .filter(u -> !u.loopbackOnly() || (remote != null && remote.isLoopbackAddress()))
                    .map(UserAdmin.User::name).orElse(null));
        }
        return authenticate(mechanism, initialResponse, remote);
    }

    public boolean anonymousEnabled() {
        return anonymousEnabled;
    }

    /**
     * Authenticates one sasl-init.
     *
     * @return a future of the authenticated user name; completes with null when the login is refused
     */
    public CompletableFuture<String> authenticate(String mechanism, byte[] initialResponse, InetAddress remote) {
        if (ANONYMOUS.equals(mechanism)) {
            return CompletableFuture.completedFuture(anonymousEnabled ? ANONYMOUS_USER : null);
        }
        if (!PLAIN.equals(mechanism) || initialResponse == null) {
            return CompletableFuture.completedFuture(null);
        }
        // PLAIN (RFC 4616): [authzid] NUL authcid NUL passwd, UTF-8.
        int first = indexOf(initialResponse, 0);
        int second = first < 0 ? -1 : indexOf(initialResponse, first + 1);
        if (second < 0) {
            return CompletableFuture.completedFuture(null);
        }
        String name = new String(initialResponse, first + 1, second - first - 1, StandardCharsets.UTF_8);
        CharBuffer decoded = StandardCharsets.UTF_8
                .decode(ByteBuffer.wrap(initialResponse, second + 1, initialResponse.length - second - 1));
        char[] password = new char[decoded.remaining()];
        decoded.get(password);
        Arrays.fill(decoded.array(), '\0');
        return CompletableFuture.supplyAsync(() -> {
            try {
                return users.authenticate(name, password, remote).map(UserAdmin.User::name).orElse(null);
            } finally {
                Arrays.fill(password, '\0');
            }
        }, hashingExecutor);
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
