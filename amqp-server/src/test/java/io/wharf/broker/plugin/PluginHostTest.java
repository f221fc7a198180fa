package io.wharf.broker.plugin;

import ch.qos.logback.classic.Level;
import io.wharf.broker.config.AuthConfig;
import io.wharf.broker.config.PluginsConfig;
import io.wharf.broker.security.ConfiguredUsers;
import io.wharf.broker.plugin.RecordingPlugin.ConnectionClosed;
import io.wharf.broker.plugin.RecordingPlugin.ConnectionOpened;
import io.wharf.broker.plugin.RecordingPlugin.MessagePublished;
import io.wharf.plugin.ConnectionInfo;
import io.wharf.plugin.PublishedMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class PluginHostTest {

    private static final String VERSION = "0.1.0-test";
    private static final ConnectionInfo CONNECTION =
            new ConnectionInfo("c1", "127.0.0.1:53412", "anonymous", "default", "client-1");
    private static final PublishedMessage MESSAGE = new PublishedMessage("c1", "orders", "orders", 42, false);

    @TempDir
    Path tmp;

    private Path pluginsDir;
    private LogCapture log;
    private final List<PluginHost> hosts = new ArrayList<>();

    @BeforeEach
    void setUp() {
        pluginsDir = tmp.resolve("plugins");
        RecordingPlugin.reset();
        FaultyListenerPlugin.reset();
        LifecycleLog.reset();
        log = new LogCapture();
    }

    @AfterEach
    void tearDown() {
        hosts.forEach(PluginHost::close);
        log.close();
        // A host must not leave its event thread behind.
        await().until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().equals(EventDispatcher.THREAD_NAME)));
    }

    @Test
    void enabledPluginStartsAndReceivesEventsInOrder() {
        Map<String, Object> settings = Map.of("prefix", "audit", "limits", Map.of("max", 3));
        PluginHost host = start(List.of(RecordingPlugin.NAME), Map.of(RecordingPlugin.NAME, settings));

        host.connectionOpened(CONNECTION);
        host.messagePublished(MESSAGE);
        host.connectionClosed(CONNECTION);

        assertEquals(List.of(RecordingPlugin.NAME), host.started());
        await().until(() -> RecordingPlugin.events().size() == 3);
        assertEquals(List.of(new ConnectionOpened(CONNECTION), new MessagePublished(MESSAGE),
                new ConnectionClosed(CONNECTION)), RecordingPlugin.events());
        assertEquals(settings, RecordingPlugin.settings());
    }

    @Test
    void settingsAreAnUnmodifiableCopy() {
        Map<String, Object> nested = new HashMap<>(Map.of("max", 3));
        Map<String, Object> settings = new HashMap<>();
        settings.put("limits", nested);
        settings.put("optional", null);
        start(List.of(RecordingPlugin.NAME), Map.of(RecordingPlugin.NAME, settings));

        nested.put("max", 4);

        assertTrue(RecordingPlugin.settings().containsKey("optional"));
        assertNull(RecordingPlugin.settings().get("optional"));
        assertEquals(Map.of("max", 3), RecordingPlugin.settings().get("limits"));
        assertThrows(UnsupportedOperationException.class, () -> RecordingPlugin.settings().put("x", 1));
        @SuppressWarnings("unchecked")
        Map<String, Object> limits = (Map<String, Object>) RecordingPlugin.settings().get("limits");
        assertThrows(UnsupportedOperationException.class, () -> limits.put("max", 5));
    }

    @Test
    void pluginWithoutSettingsGetsAnEmptyMap() {
        start(List.of(RecordingPlugin.NAME), Map.of("someone-else", Map.of("a", 1)));

        assertEquals(Map.of(), RecordingPlugin.settings());
    }

    @Test
    void pluginThatIsNotEnabledIsNotStarted() {
        PluginHost host = start(List.of(), Map.of());

        host.connectionOpened(CONNECTION);
        host.close();

        assertEquals(List.of(), host.started());
        assertEquals(List.of(), LifecycleLog.entries());
        assertEquals(List.of(), RecordingPlugin.events());
    }

    @Test
    void pluginWhoseStartThrowsIsIsolatedAndTheOthersStart() {
        PluginHost host = start(List.of(ExplodingPlugin.NAME, RecordingPlugin.NAME), Map.of());

        host.connectionOpened(CONNECTION);
        host.close();

        assertEquals(List.of(RecordingPlugin.NAME), host.started());
        assertEquals(List.of(new ConnectionOpened(CONNECTION)), RecordingPlugin.events());
        // Its listener was removed, and stop() is not called on a plugin that never started.
        assertEquals(List.of("start " + ExplodingPlugin.NAME, "start " + RecordingPlugin.NAME,
                "stop " + RecordingPlugin.NAME), LifecycleLog.entries());
        log.assertLogged(Level.ERROR, "'" + ExplodingPlugin.NAME + "'", "failed to start",
                "| " + IllegalStateException.class.getName());
    }

    @Test
    void unknownEnabledNameIsLoggedAndNotFatal() {
        PluginHost host = start(List.of("no-such-plugin", RecordingPlugin.NAME), Map.of());

        assertEquals(List.of(RecordingPlugin.NAME), host.started());
        log.assertLogged(Level.WARN, "'no-such-plugin'", pluginsDir.toString());
    }

    @Test
    void pluginListedTwiceStartsOnce() {
        PluginHost host = start(List.of(RecordingPlugin.NAME, RecordingPlugin.NAME), Map.of());

        assertEquals(List.of(RecordingPlugin.NAME), host.started());
        assertEquals(List.of("start " + RecordingPlugin.NAME), LifecycleLog.entries());
    }

    @Test
    void listenerThatThrowsDoesNotStopDeliveryToOthersOrOfLaterEvents() {
        PluginHost host = start(List.of(FaultyListenerPlugin.NAME, RecordingPlugin.NAME), Map.of());

        host.connectionOpened(CONNECTION);
        host.messagePublished(MESSAGE);
        host.messagePublished(MESSAGE);
        host.connectionClosed(CONNECTION);

        await().until(() -> RecordingPlugin.events().size() == 4);
        assertEquals(4, FaultyListenerPlugin.eventsReceived());
        assertEquals(List.of(new ConnectionOpened(CONNECTION), new MessagePublished(MESSAGE),
                new MessagePublished(MESSAGE), new ConnectionClosed(CONNECTION)), RecordingPlugin.events());
        // Four failures of one kind from one listener: logged once.
        assertEquals(1, log.count(Level.WARN, FaultyListenerPlugin.FaultyListener.class.getName()));
        log.assertLogged(Level.WARN, "'" + FaultyListenerPlugin.NAME + "'",
                FaultyListenerPlugin.FaultyListener.class.getName(), "| " + IllegalStateException.class.getName());
    }

    @Test
    void pluginsStopInReverseStartOrderEvenWhenOneStopThrows() {
        PluginHost host = start(List.of(RecordingPlugin.NAME, FaultyListenerPlugin.NAME), Map.of());

        host.close();

        assertEquals(List.of("start " + RecordingPlugin.NAME, "start " + FaultyListenerPlugin.NAME,
                "stop " + FaultyListenerPlugin.NAME, "stop " + RecordingPlugin.NAME), LifecycleLog.entries());
        log.assertLogged(Level.ERROR, "'" + FaultyListenerPlugin.NAME + "' failed to stop");
    }

    @Test
    void closeDeliversQueuedEventsThenIgnoresNewOnes() {
        PluginHost host = start(List.of(RecordingPlugin.NAME), Map.of());
        int published = 1_000;
        for (int i = 0; i < published; i++) {
            host.messagePublished(MESSAGE);
        }

        host.close();
        host.connectionOpened(CONNECTION);
        host.close();

        // close() returns only once the queue is drained, so no waiting here.
        assertEquals(published, RecordingPlugin.events().size());
        assertEquals(List.of("start " + RecordingPlugin.NAME, "stop " + RecordingPlugin.NAME), LifecycleLog.entries());
    }

    @Test
    void missingPluginsFolderIsFine() {
        PluginHost host = start(List.of(RecordingPlugin.NAME), Map.of());

        assertFalse(Files.exists(pluginsDir));
        assertEquals(List.of(RecordingPlugin.NAME), host.started());
    }

    @Test
    void pluginJarInThePluginsFolderIsFoundAndStarted() throws IOException {
        new PluginJarCompiler(tmp).write(pluginsDir, "from-jar.jar", List.of("ext.JarPlugin"),
                Map.of("ext.JarPlugin", jarPluginSource("ext", "JarPlugin", "from-jar")));

        PluginHost host = start(List.of("from-jar"), Map.of("from-jar", Map.of("colour", "blue")));
        host.close();

        assertEquals(List.of("from-jar"), host.started());
        assertEquals(List.of(
                "start from-jar version=" + VERSION + " settings={colour=blue} loader=plugin:from-jar.jar"
                        + " contextLoader=plugin:from-jar.jar",
                "stop from-jar"), LifecycleLog.entries());
    }

    @Test
    void classPathPluginWinsOverAJarPluginOfTheSameName() throws IOException {
        new PluginJarCompiler(tmp).write(pluginsDir, "impostor.jar", List.of("ext.Impostor"),
                Map.of("ext.Impostor", jarPluginSource("ext", "Impostor", RecordingPlugin.NAME)));

        PluginHost host = start(List.of(RecordingPlugin.NAME), Map.of());

        assertEquals(List.of(RecordingPlugin.NAME), host.started());
        assertEquals(List.of("start " + RecordingPlugin.NAME), LifecycleLog.entries());
        log.assertLogged(Level.WARN, "Two plugins are named '" + RecordingPlugin.NAME + "'",
                RecordingPlugin.class.getName(), pluginsDir.resolve("impostor.jar").toString());
    }

    @Test
    void firstJarInFileNameOrderWinsAmongJars() throws IOException {
        PluginJarCompiler compiler = new PluginJarCompiler(tmp);
        compiler.write(pluginsDir, "b.jar", List.of("b.Twin"), Map.of("b.Twin", jarPluginSource("b", "Twin", "twin")));
        compiler.write(pluginsDir, "a.jar", List.of("a.Twin"), Map.of("a.Twin", jarPluginSource("a", "Twin", "twin")));

        PluginHost host = start(List.of("twin"), Map.of());

        assertEquals(List.of("twin"), host.started());
        List<String> lifecycle = LifecycleLog.entries();
        assertEquals(1, lifecycle.size(), lifecycle::toString);
        assertTrue(lifecycle.get(0).contains("loader=plugin:a.jar"), lifecycle::toString);
    }

    @Test
    void brokenJarsAreLoggedWithTheirPathAndSkipped() throws IOException {
        PluginJarCompiler compiler = new PluginJarCompiler(tmp);
        Files.createDirectories(pluginsDir);
        Path garbage = Files.writeString(pluginsDir.resolve("garbage.jar"), "not a zip file");
        Path missingClass = compiler.write(pluginsDir, "missing-class.jar", List.of("ext.Missing"), Map.of());
        compiler.write(pluginsDir, "good.jar", List.of("ext.Good"),
                Map.of("ext.Good", jarPluginSource("ext", "Good", "good")));

        PluginHost host = start(List.of("good", RecordingPlugin.NAME), Map.of());

        assertEquals(List.of("good", RecordingPlugin.NAME), host.started());
        log.assertLogged(Level.ERROR, garbage.toString());
        log.assertLogged(Level.ERROR, missingClass.toString(), "ext.Missing");
    }

    @Test
    void eventsWithNoListenerAreDiscardedAtOnce() {
        PluginHost host = start(List.of(), Map.of());

        for (int i = 0; i < 2 * PluginHost.EVENT_QUEUE_CAPACITY; i++) {
            host.messagePublished(MESSAGE);
        }

        // Nothing was queued, so nothing overflowed.
        assertEquals(0, log.count(Level.WARN, "queue is full"));
    }

    private PluginHost start(List<String> enabled, Map<String, Map<String, Object>> settings) {
        PluginHost host = PluginHost.start(new PluginsConfig(pluginsDir, enabled, settings), VERSION,
                new ConfiguredUsers(new AuthConfig(false, List.of())), PluginHostTest.class.getClassLoader());
        hosts.add(host);
        return host;
    }

    /** A plugin that logs its start, with what it was given and which class loaders it ran under, and its stop. */
    private static String jarPluginSource(String packageName, String className, String pluginName) {
        return """
                package %s;

                import io.wharf.broker.plugin.LifecycleLog;
                import io.wharf.plugin.PluginContext;
                import io.wharf.plugin.WharfPlugin;

                public class %s implements WharfPlugin {
                    public String name() {
                        return "%s";
                    }

                    public void start(PluginContext context) {
                        LifecycleLog.add("start " + name() + " version=" + context.brokerVersion()
                                + " settings=" + context.settings()
                                + " loader=" + getClass().getClassLoader().getName()
                                + " contextLoader=" + Thread.currentThread().getContextClassLoader().getName());
                    }

                    public void stop() {
                        LifecycleLog.add("stop " + name());
                    }
                }
                """.formatted(packageName, className, pluginName);
    }
}
