package io.wharf.broker.plugin;

import io.wharf.plugin.BrokerEventListener;
import io.wharf.plugin.ConnectionInfo;
import io.wharf.plugin.PluginContext;
import io.wharf.plugin.WharfPlugin;

/**
 * Test plugin {@value #NAME}: registers a listener, then fails to start. The host must remove that listener and
 * must not call {@link #stop()}; any call shows up in {@link LifecycleLog}.
 */
public final class ExplodingPlugin implements WharfPlugin {

    public static final String NAME = "exploding";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(PluginContext context) {
        LifecycleLog.add("start " + NAME);
        context.addEventListener(new BrokerEventListener() {
            @Override
            public void connectionOpened(ConnectionInfo connection) {
                LifecycleLog.add(NAME + " received an event");
            }
        });
        throw new IllegalStateException("boom from the exploding test plugin");
    }

    @Override
    public void stop() {
        LifecycleLog.add("stop " + NAME);
    }
}
