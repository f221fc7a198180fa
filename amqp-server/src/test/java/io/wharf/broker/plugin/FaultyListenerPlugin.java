package io.wharf.broker.plugin;

import io.wharf.plugin.BrokerEventListener;
import io.wharf.plugin.ConnectionInfo;
import io.wharf.plugin.PluginContext;
import io.wharf.plugin.PublishedMessage;
import io.wharf.plugin.WharfPlugin;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test plugin {@value #NAME}: starts fine, but its listener throws on every event and its {@link #stop()} throws.
 * Counts the events its listener was given, to show it keeps receiving them after throwing.
 */
public final class FaultyListenerPlugin implements WharfPlugin {

    public static final String NAME = "faulty-listener";

    private static final AtomicInteger EVENTS_RECEIVED = new AtomicInteger();

    public static int eventsReceived() {
        return EVENTS_RECEIVED.get();
    }

    public static void reset() {
        EVENTS_RECEIVED.set(0);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(PluginContext context) {
        LifecycleLog.add("start " + NAME);
        context.addEventListener(new FaultyListener());
    }

    @Override
    public void stop() {
        LifecycleLog.add("stop " + NAME);
        throw new IllegalStateException("stop failed in the faulty-listener test plugin");
    }

    /** Named (not anonymous) so tests can find it in log messages. */
    static final class FaultyListener implements BrokerEventListener {
        @Override
        public void connectionOpened(ConnectionInfo connection) {
            fail();
        }

        @Override
        public void connectionClosed(ConnectionInfo connection) {
            fail();
        }

        @Override
        public void messagePublished(PublishedMessage message) {
            fail();
        }

        private static void fail() {
            EVENTS_RECEIVED.incrementAndGet();
            throw new IllegalStateException("listener failure from the faulty-listener test plugin");
        }
    }
}
