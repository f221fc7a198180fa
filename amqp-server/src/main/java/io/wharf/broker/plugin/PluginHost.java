package io.wharf.broker.plugin;

import io.wharf.broker.config.PluginsConfig;
import io.wharf.broker.http.HttpRouteTable;
import io.wharf.plugin.AuthenticationProvider;
import io.wharf.plugin.AuthorizationProvider;
import io.wharf.plugin.BrokerEventListener;
import io.wharf.plugin.ConnectionInfo;
import io.wharf.plugin.ExchangeTypeProvider;
import io.wharf.plugin.MessageInterceptor;
import io.wharf.plugin.PluginContext;
import io.wharf.plugin.PluginMessaging;
import io.wharf.plugin.PublishedMessage;
import io.wharf.plugin.UserAdmin;
import io.wharf.plugin.WharfPlugin;
import io.wharf.plugin.admin.BrokerAdmin;
import io.wharf.plugin.http.HttpRoutes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the enabled plugins for the life of the broker and feeds them broker events.
 *
 * <p>{@link #start} discovers plugins (class path, then one jar each in {@link PluginsConfig#dir()}) and starts those
 * named in {@link PluginsConfig#enabled()}, in that order. The broker front end calls the {@link BrokerEventListener}
 * methods from its network threads: they never block and cost two volatile reads while no plugin listens. Events are
 * delivered in order on the {@code wharf-plugin-events} thread; when plugins fall more than
 * {@value #EVENT_QUEUE_CAPACITY} events behind, further events are dropped and counted rather than slowing the broker.
 *
 * <p>A plugin that fails (discovery, {@code start}, a listener, {@code stop}) is logged and isolated; no method of
 * this class throws because of a plugin.
 */
public final class PluginHost implements BrokerEventListener, AutoCloseable {

    /** Undelivered events the host holds before it drops new ones. */
    static final int EVENT_QUEUE_CAPACITY = 65_536;

    /** How long {@link #close} waits for listeners to take the events still queued. */
    static final long CLOSE_DRAIN_TIMEOUT_SECONDS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    private final EventDispatcher events;
    private final Hooks hooks;
    private final List<StartedPlugin> started;
    private boolean closed;

    private PluginHost(EventDispatcher events, Hooks hooks, List<StartedPlugin> started) {
        this.events = events;
        this.hooks = hooks;
        this.started = started;
    }

    /** Where plugins' per-message hooks live; each can remove what one plugin added. */
    private record Hooks(InterceptorChain interceptors, GuardedProviders<AuthenticationProvider> authentication,
            GuardedProviders<AuthorizationProvider> authorization, PluginServices services) {

        void removeAll(Object owner) {
            interceptors.removeAll(owner);
            authentication.removeAll(owner);
            authorization.removeAll(owner);
        }
    }

    /**
     * One plugin as the broker reports it.
     *
     * @param state    {@code running}, {@code disabled} (after {@link MessageInterceptor#FAILURE_LIMIT} failures)
     *                 or {@code stopped}
     * @param failures failures of its interceptors and providers counted so far
     */
    public record PluginStatus(String name, String origin, String state, int failures) {
    }

    /**
     * Discovers plugins and starts the enabled ones. Never fails because of a plugin: problems are logged and the
     * plugin concerned is left out.
     *
     * @param config        where to look for plugin jars, which plugins to start and their settings
     * @param brokerVersion reported to plugins by {@link PluginContext#brokerVersion()}
     * @param users         the broker's users, offered to plugins by {@link PluginContext#users()}
     * @param parent        the class loader to search for plugins first, and the parent of each plugin jar's loader
     */
    public static PluginHost start(PluginsConfig config, String brokerVersion, UserAdmin users,
            ClassLoader parent) {
        return start(config, brokerVersion, users, PluginServices.NONE, parent);
    }

    /**
     * As {@link #start(PluginsConfig, String, UserAdmin, ClassLoader)}, lending plugins the broker's messaging and
     * taking their exchange types.
     */
    public static PluginHost start(PluginsConfig config, String brokerVersion, UserAdmin users,
            PluginServices services, ClassLoader parent) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(brokerVersion, "brokerVersion");
        Objects.requireNonNull(parent, "parent");
        List<String> enabled = Objects.requireNonNullElse(config.enabled(), List.of());
        Map<String, Map<String, Object>> settings = Objects.requireNonNullElse(config.settings(), Map.of());

        Map<String, DiscoveredPlugin> discovered = PluginDiscovery.discover(config.dir(), parent);
        // Started before any plugin, so that listeners registered in start() see the first events.
        EventDispatcher events = EventDispatcher.start(EVENT_QUEUE_CAPACITY);
        Hooks hooks = new Hooks(new InterceptorChain(), new GuardedProviders<>(), new GuardedProviders<>(), services);
        List<StartedPlugin> started = new ArrayList<>();
        try {
            Set<String> seen = new HashSet<>();
            for (String name : enabled) {
                if (!seen.add(name)) {
                    LOG.warn("Plugin '{}' is listed more than once in plugins.enabled; starting it once", name);
                    continue;
                }
                DiscoveredPlugin plugin = discovered.get(name);
                if (plugin == null) {
                    LOG.warn("Plugin '{}' is enabled in plugins.enabled but no plugin has that name (searched the"
                            + " class path and {}); going on without it", name, describe(config.dir()));
                    continue;
                }
                Context context = new Context(name, frozenSettings(settings.get(name)), brokerVersion, users, events,
                        hooks);
                if (startPlugin(plugin, context)) {
                    started.add(new StartedPlugin(plugin, context));
                }
            }
        } catch (RuntimeException | Error e) {
            // Not a plugin failure (those are caught per plugin) but a bug or a JVM error: undo what was started
            // rather than leave plugins and the event thread running behind a broker that failed to start.
            new PluginHost(events, hooks, List.copyOf(started)).close();
            PluginDiscovery.closeUnused(discovered.values(), List.of());
            throw e;
        }
        PluginDiscovery.closeUnused(discovered.values(), started.stream().map(StartedPlugin::plugin).toList());
        return new PluginHost(events, hooks, List.copyOf(started));
    }

    /** The plugins' message interceptors; {@link InterceptorChain#active()} says whether there are any. */
    public InterceptorChain interceptors() {
        return hooks.interceptors();
    }

    /** The plugins' login checks, in registration order. */
    public GuardedProviders<AuthenticationProvider> authenticationProviders() {
        return hooks.authentication();
    }

    /** The plugins' authorization vetoes, in registration order. */
    public GuardedProviders<AuthorizationProvider> authorizationProviders() {
        return hooks.authorization();
    }

    /** Every started plugin and how it is doing, in start order. */
    public synchronized List<PluginStatus> status() {
        return started.stream().map(p -> new PluginStatus(p.plugin().name(), p.plugin().origin(),
                closed ? "stopped" : p.context().guard.disabled() ? "disabled" : "running",
                p.context().guard.failures())).toList();
    }

    /** The names of the plugins that started, in start order. */
    public List<String> started() {
        return started.stream().map(startedPlugin -> startedPlugin.plugin().name()).toList();
    }

    @Override
    public void connectionOpened(ConnectionInfo connection) {
        events.connectionOpened(connection);
    }

    @Override
    public void connectionClosed(ConnectionInfo connection) {
        events.connectionClosed(connection);
    }

    @Override
    public void messagePublished(PublishedMessage message) {
        events.messagePublished(message);
    }

    @Override
    public void brokerStarted(String brokerVersion) {
        events.post("brokerStarted", listener -> listener.brokerStarted(brokerVersion));
    }

    @Override
    public void brokerStopping() {
        events.post("brokerStopping", BrokerEventListener::brokerStopping);
    }

    @Override
    public void queueDeclared(QueueEvent queue) {
        events.post("queueDeclared", listener -> listener.queueDeclared(queue));
    }

    @Override
    public void queueDeleted(QueueEvent queue) {
        events.post("queueDeleted", listener -> listener.queueDeleted(queue));
    }

    @Override
    public void exchangeDeclared(ExchangeEvent exchange) {
        events.post("exchangeDeclared", listener -> listener.exchangeDeclared(exchange));
    }

    @Override
    public void exchangeDeleted(ExchangeEvent exchange) {
        events.post("exchangeDeleted", listener -> listener.exchangeDeleted(exchange));
    }

    @Override
    public void bindingAdded(BindingEvent binding) {
        events.post("bindingAdded", listener -> listener.bindingAdded(binding));
    }

    @Override
    public void bindingRemoved(BindingEvent binding) {
        events.post("bindingRemoved", listener -> listener.bindingRemoved(binding));
    }

    @Override
    public void consumerAttached(ConsumerEvent consumer) {
        events.post("consumerAttached", listener -> listener.consumerAttached(consumer));
    }

    @Override
    public void consumerDetached(ConsumerEvent consumer) {
        events.post("consumerDetached", listener -> listener.consumerDetached(consumer));
    }

    /**
     * Whether any listener would receive an event now. Callers on the hot path ask before building an event (one
     * {@link PublishedMessage} per message and queue), so a broker without listening plugins allocates nothing.
     */
    public boolean hasListeners() {
        return events.hasListeners();
    }

    /**
     * Stops taking events, delivers those already queued (waiting at most {@value #CLOSE_DRAIN_TIMEOUT_SECONDS} s),
     * then stops the plugins in reverse start order and releases their jars. Idempotent.
     *
     * <p>Events are drained before the plugins stop, not after: {@link WharfPlugin#stop()} is then a plugin's
     * last callback, so it can flush or close what its listeners write to without racing late events.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        events.close(Duration.ofSeconds(CLOSE_DRAIN_TIMEOUT_SECONDS));
        for (int i = started.size() - 1; i >= 0; i--) {
            StartedPlugin plugin = started.get(i);
            plugin.context().revoke();
            stopPlugin(plugin.plugin());
        }
        PluginDiscovery.closeUnused(started.stream().map(StartedPlugin::plugin).toList(), List.of());
    }

    private static boolean startPlugin(DiscoveredPlugin plugin, Context context) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Libraries inside a plugin jar often look things up through the context class loader.
        thread.setContextClassLoader(plugin.classLoader());
        try {
            plugin.plugin().start(context);
            LOG.info("Started plugin '{}' ({} from {})", plugin.name(), plugin.plugin().getClass().getName(),
                    plugin.origin());
            return true;
        } catch (Exception | LinkageError e) {
            context.revoke();
            LOG.error("Plugin '{}' ({} from {}) failed to start; the broker goes on without it", plugin.name(),
                    plugin.plugin().getClass().getName(), plugin.origin(), e);
            return false;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void stopPlugin(DiscoveredPlugin plugin) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(plugin.classLoader());
        try {
            plugin.plugin().stop();
            LOG.info("Stopped plugin '{}'", plugin.name());
        } catch (Exception | LinkageError e) {
            LOG.error("Plugin '{}' failed to stop cleanly", plugin.name(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static String describe(Path dir) {
        return dir == null ? "no plugins folder" : "plugins folder " + dir;
    }

    /**
     * An unmodifiable deep copy: a plugin must not be able to change its settings under another reader, and YAML
     * gives nested maps and lists. {@link Map#copyOf} would not do, it rejects the null values YAML allows.
     */
    private static Map<String, Object> frozenSettings(Map<String, Object> settings) {
        if (settings == null) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> frozen = (Map<String, Object>) frozen(settings);
        return frozen;
    }

    private static Object frozen(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((key, entry) -> copy.put(key, frozen(entry)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(entry -> copy.add(frozen(entry)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }

    private record StartedPlugin(DiscoveredPlugin plugin, Context context) {
    }

    /**
     * What one plugin sees of the broker. Revoked when its plugin fails to start or stops: listeners it registered
     * are removed, and later registrations (say from a thread the plugin left running) are ignored.
     */
    private static final class Context implements PluginContext {

        private final String pluginName;
        private final Map<String, Object> settings;
        private final String brokerVersion;
        private final UserAdmin users;
        private final EventDispatcher events;
        private final Hooks hooks;
        private final BrokerAdmin admin;
        private final HttpRouteTable routes;
        final PluginGuard guard;
        private boolean revoked;

        Context(String pluginName, Map<String, Object> settings, String brokerVersion, UserAdmin users,
                EventDispatcher events, Hooks hooks) {
            this.admin = hooks.services().admin();
            this.routes = hooks.services().routes();
            this.pluginName = pluginName;
            this.settings = settings;
            this.brokerVersion = brokerVersion;
            this.users = users;
            this.events = events;
            this.hooks = hooks;
            this.guard = new PluginGuard(pluginName, MessageInterceptor.FAILURE_LIMIT, this::revoke);
        }

        @Override
        public synchronized void addInterceptor(MessageInterceptor interceptor) {
            Objects.requireNonNull(interceptor, "interceptor");
            if (!ignored("an interceptor")) {
                hooks.interceptors().add(this, guard, interceptor);
            }
        }

        @Override
        public synchronized void addAuthenticationProvider(AuthenticationProvider provider) {
            Objects.requireNonNull(provider, "provider");
            if (!ignored("an authentication provider")) {
                hooks.authentication().add(this, new GuardedProviders.Guarded<>(pluginName, provider, guard));
            }
        }

        @Override
        public synchronized void addAuthorizationProvider(AuthorizationProvider provider) {
            Objects.requireNonNull(provider, "provider");
            if (!ignored("an authorization provider")) {
                hooks.authorization().add(this, new GuardedProviders.Guarded<>(pluginName, provider, guard));
            }
        }

        @Override
        public synchronized void addExchangeType(ExchangeTypeProvider provider) {
            Objects.requireNonNull(provider, "provider");
            if (!ignored("an exchange type")) {
                hooks.services().exchangeTypes().accept(provider);
                LOG.info("Plugin '{}' provides exchange type '{}'", pluginName, provider.type());
            }
        }

        @Override
        public PluginMessaging messaging() {
            return hooks.services().messaging();
        }

        private boolean ignored(String what) {
            if (revoked) {
                LOG.warn("Plugin '{}' registered {} after it stopped, failed or was disabled; ignored", pluginName,
                        what);
            }
            return revoked;
        }

        @Override
        public synchronized void addEventListener(BrokerEventListener listener) {
            Objects.requireNonNull(listener, "listener");
            if (revoked) {
                LOG.warn("Plugin '{}' registered an event listener after it stopped or failed; ignored", pluginName);
                return;
            }
            events.add(this, pluginName, listener);
        }

        @Override
        public Map<String, Object> settings() {
            return settings;
        }

        @Override
        public String brokerVersion() {
            return brokerVersion;
        }

        @Override
        public UserAdmin users() {
            return users;
        }

        @Override
        public BrokerAdmin admin() {
            if (admin == null) {
                throw new UnsupportedOperationException("this broker offers no management view to plugins");
            }
            return admin;
        }

        @Override
        public HttpRoutes http() {
            HttpRoutes owned = routes.forOwner(this, pluginName);
            return (prefix, access, handler) -> {
                synchronized (Context.this) {
                    if (revoked) {
                        LOG.warn("Plugin '{}' added an HTTP route after it stopped or failed; ignored", pluginName);
                        return;
                    }
                    owned.add(prefix, access, handler);
                }
            };
        }

        synchronized void revoke() {
            revoked = true;
            routes.removeAll(this);
            events.removeAll(this);
            hooks.removeAll(this);
        }
    }
}
