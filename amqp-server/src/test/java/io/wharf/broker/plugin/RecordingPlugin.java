package io.wharf.broker.plugin;

import io.wharf.plugin.BrokerEventListener;
import io.wharf.plugin.ConnectionInfo;
import io.wharf.plugin.PluginContext;
import io.wharf.plugin.PublishedMessage;
import io.wharf.plugin.WharfPlugin;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test plugin {@value #NAME}: records every broker event it receives, in order, so tests can assert on them.
 * Registered in {@code src/test/resources/META-INF/services/io.wharf.plugin.WharfPlugin}; enable it with
 * {@code plugins.enabled: [recording]}.
 *
 * <p>The record is static because the broker, not the test, creates the instance. Call {@link #reset()} before each
 * test. Events arrive on the plugin event thread, so read them with Awaitility, for example
 * {@code await().until(() -> RecordingPlugin.events().size() == 3)}, or after closing the broker (which delivers
 * everything queued first).
 */
public final class RecordingPlugin implements WharfPlugin {

    public static final String NAME = "recording";

    /** One recorded broker event. */
    public sealed interface Event permits ConnectionOpened, ConnectionClosed, MessagePublished {
    }

    public record ConnectionOpened(ConnectionInfo connection) implements Event {
    }

    public record ConnectionClosed(ConnectionInfo connection) implements Event {
    }

    public record MessagePublished(PublishedMessage message) implements Event {
    }

    private static final List<Event> EVENTS = new CopyOnWriteArrayList<>();
    private static volatile Map<String, Object> settings = Map.of();

    /** The events received since the last {@link #reset()}, oldest first (a copy). */
    public static List<Event> events() {
        return List.copyOf(EVENTS);
    }

    /** The settings the plugin was last started with; empty before it starts. */
    public static Map<String, Object> settings() {
        return settings;
    }

    /** Forgets recorded events and settings. */
    public static void reset() {
        EVENTS.clear();
        settings = Map.of();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(PluginContext context) {
        settings = context.settings();
        LifecycleLog.add("start " + NAME);
        context.addEventListener(new BrokerEventListener() {
            @Override
            public void connectionOpened(ConnectionInfo connection) {
                EVENTS.add(new ConnectionOpened(connection));
            }

            @Override
            public void connectionClosed(ConnectionInfo connection) {
                EVENTS.add(new ConnectionClosed(connection));
            }

            @Override
            public void messagePublished(PublishedMessage message) {
                EVENTS.add(new MessagePublished(message));
            }
        });
    }

    @Override
    public void stop() {
        LifecycleLog.add("stop " + NAME);
    }
}
