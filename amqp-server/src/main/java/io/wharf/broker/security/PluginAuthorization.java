package io.wharf.broker.security;

import io.wharf.broker.plugin.GuardedProviders;
import io.wharf.broker.plugin.PluginHost;
import io.wharf.plugin.AuthorizationProvider;
import io.wharf.plugin.AuthorizationProvider.Access;
import io.wharf.plugin.AuthorizationProvider.Request;
import io.wharf.plugin.AuthorizationProvider.Resource;
import java.util.List;
import java.util.Locale;

/**
 * Where plugins' {@link AuthorizationProvider} vetoes are asked: the one call the attach, publish and declare paths
 * make, in addition to the broker's own permission checks. Cheap when no plugin vetoes anything: one volatile read,
 * no allocation.
 *
 * <p>Runs inline on network threads; providers must not block. A provider that throws is counted against its plugin
 * and taken as allowing (a broken plugin must not lock every user out; the broker's own permissions still apply).
 */
public final class PluginAuthorization {

    private PluginAuthorization() {
    }

    /**
     * @param plugins the plugin host (null: no plugins)
     * @return null when every plugin allows it; else the refusal, naming the resource and the plugin, for an
     *         {@code amqp:unauthorized-access} error or a 403
     */
    public static String refusal(PluginHost plugins, String user, String vhost, Access access, Resource kind,
            String name) {
        if (plugins == null) {
            return null;
        }
        GuardedProviders<AuthorizationProvider> providers = plugins.authorizationProviders();
        if (providers.isEmpty()) {
            return null;
        }
        List<GuardedProviders.Guarded<AuthorizationProvider>> all = providers.all();
        Request request = new Request(user, vhost, access, kind, name);
        for (GuardedProviders.Guarded<AuthorizationProvider> p : all) {
            long start = System.nanoTime();
            boolean allowed;
            try {
                allowed = p.provider().allowed(request);
            } catch (RuntimeException | LinkageError e) {
                p.failed("authorization provider " + p.provider().getClass().getName(), e);
                continue;
            } finally {
                p.timed("authorization provider", start);
            }
            if (!allowed) {
                return access.name().toLowerCase(Locale.ROOT) + " access to " + kind.name().toLowerCase(Locale.ROOT)
                        + " '" + name + "' in vhost '" + vhost + "' refused to user '" + user + "' by plugin '"
                        + p.pluginName() + "'";
            }
        }
        return null;
    }
}
