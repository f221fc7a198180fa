package io.wharf.plugin;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Set;

/**
 * Checks logins (SASL PLAIN user name and password) before the broker's own users do. Register with
 * {@link PluginContext#addAuthenticationProvider}. Providers are asked in registration order; the first that does
 * not {@link Result#abstain() abstain} decides; when all abstain, the broker's users decide.
 *
 * <p>Called on the broker's authentication threads, never on a network thread: a provider may block (an LDAP or
 * HTTP call), though every login waits for it. A provider that throws is logged and counted as abstaining.
 */
@FunctionalInterface
public interface AuthenticationProvider {

    /**
     * @param user     the SASL PLAIN authentication identity
     * @param password the password; the broker wipes the array after the call, copy it if you need it later
     * @param remote   the client's address, or null when unknown
     */
    Result authenticate(String user, char[] password, InetAddress remote) throws Exception;

    /** A provider's answer. */
    final class Result {

        private static final Result ABSTAIN = new Result(null, Set.of(), false);
        private static final Result REFUSE = new Result(null, Set.of(), true);

        private final String user;
        private final Set<String> tags;
        private final boolean refused;

        private Result(String user, Set<String> tags, boolean refused) {
            this.user = user;
            this.tags = tags;
            this.refused = refused;
        }

        /**
         * The login is good: the connection runs as {@code user}, with these tags ({@link UserAdmin#ADMINISTRATOR},
         * {@code management}, {@code monitoring}, or none).
         */
        public static Result accept(String user, Set<String> tags) {
            return new Result(Objects.requireNonNull(user, "user"), Set.copyOf(tags), false);
        }

        /** The login is bad: refused without asking anyone else. */
        public static Result refuse() {
            return REFUSE;
        }

        /** Not this provider's user: ask the next provider, then the broker's users. */
        public static Result abstain() {
            return ABSTAIN;
        }

        public boolean accepted() {
            return user != null;
        }

        public boolean refused() {
            return refused;
        }

        public boolean abstained() {
            return user == null && !refused;
        }

        /** The accepted user name; null unless {@link #accepted()}. */
        public String user() {
            return user;
        }

        public Set<String> tags() {
            return tags;
        }

        @Override
        public String toString() {
            return accepted() ? "accept(" + user + ", " + tags + ")" : refused ? "refuse" : "abstain";
        }
    }
}
