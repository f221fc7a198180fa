package io.wharf.plugin;

/**
 * A plugin: found with {@link java.util.ServiceLoader} (on the class path or as one jar in the
 * plugins folder), started when the broker starts if its {@link #name()} is enabled in
 * {@code wharf.yaml}, stopped when the broker stops. A plugin that throws is logged and isolated.
 *
 * <p>Every plugin found is instantiated, enabled or not, because the broker must ask its name: keep the
 * constructor cheap and free of side effects, and do the work in {@link #start}. {@code start} and
 * {@code stop} run with the thread's context class loader set to the plugin's own class loader.
 */
public interface WharfPlugin {

    /** The name used to enable the plugin in {@code plugins.enabled}. */
    String name();

    /**
     * Called once while the broker starts: after its queues, exchanges and bindings are recovered (so
     * {@link PluginContext#messaging()} works), before it takes clients (so what is registered here sees every
     * message). {@link BrokerEventListener#brokerStarted} follows once it listens. If it throws, the plugin is logged
     * as failed, everything it registered is removed (exchange types excepted) and {@link #stop} is not called:
     * release what was acquired before throwing.
     */
    void start(PluginContext context) throws Exception;

    /**
     * Called once when the broker stops, in reverse start order, after the last broker event has been delivered to
     * this plugin's listeners; no event arrives after it.
     */
    default void stop() throws Exception {
    }
}
