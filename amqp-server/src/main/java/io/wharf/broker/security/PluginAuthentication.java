package io.wharf.broker.security;

import io.wharf.broker.plugin.GuardedProviders;
import io.wharf.plugin.AuthenticationProvider;
import io.wharf.plugin.UserAdmin;
import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The broker's users with plugins' {@link AuthenticationProvider}s in front: a login is put to each provider in
 * registration order, and the first that accepts or refuses decides; when every provider abstains (or there are none)
 * the broker's own users decide. Everything else is the broker's users unchanged.
 *
 * <p>Called where logins are checked, on the authentication threads (never a network loop), so a provider may block.
 * A provider that throws is counted against its plugin and taken as abstaining.
 *
 * <p>A user a provider accepted who is not one of the broker's users has no stored permissions: its access is what
 * the plugins' authorization providers allow ({@link #acceptedByPlugin}), not a refusal of everything.
 */
public final class PluginAuthentication extends ForwardingUserAdmin {

    private final Supplier<GuardedProviders<AuthenticationProvider>> providers;
    private final Set<String> pluginUsers = ConcurrentHashMap.newKeySet();

    /**
     * @param providers the plugins' providers (a supplier: the plugin host starts after the authenticator is made)
     */
    public PluginAuthentication(UserAdmin users, Supplier<GuardedProviders<AuthenticationProvider>> providers) {
        super(users);
        this.providers = providers;
    }

    @Override
    public Optional<User> authenticate(String name, char[] password, InetAddress remote) {
        GuardedProviders<AuthenticationProvider> plugged = providers.get();
        if (plugged != null) {
            for (GuardedProviders.Guarded<AuthenticationProvider> p : plugged.all()) {
                AuthenticationProvider.Result result;
                try {
                    result = p.provider().authenticate(name, password, remote);
                } catch (Exception | LinkageError e) {
                    p.failed("authentication provider " + p.provider().getClass().getName(), e);
                    continue;
                }
                if (result == null || result.abstained()) {
                    continue;
                }
                if (!result.accepted()) {
                    return Optional.empty();
                }
                pluginUsers.add(result.user());
                return Optional.of(new User(result.user(), result.tags(), false));
            }
        }
        return users.authenticate(name, password, remote);
    }

    /** Whether a plugin accepted a login as {@code name} that the broker's own users do not know. */
    public boolean acceptedByPlugin(String name) {
        return pluginUsers.contains(name) && users.user(name).isEmpty();
    }
}
