package io.wharf.broker.plugin;

import ch.qos.logback.classic.Level;
import io.wharf.plugin.BrokerEventListener;
import io.wharf.plugin.ConnectionInfo;
import io.wharf.plugin.PublishedMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class EventDispatcherTest {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final ConnectionInfo CONNECTION =
            new ConnectionInfo("c1", "127.0.0.1:53412", "anonymous", "default", "client-1");

    private final Object owner = new Object();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch firstEventTaken = new CountDownLatch(1);
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private LogCapture log;
    private EventDispatcher dispatcher;

    @BeforeEach
    void setUp() {
        log = new LogCapture();
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        if (dispatcher != null) {
            dispatcher.close(CLOSE_TIMEOUT);
        }
        log.close();
        await().until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().equals(EventDispatcher.THREAD_NAME)));
    }

    @Test
    void fullQueueDropsNewEventsCountsThemAndWarnsOnce() throws InterruptedException {
        dispatcher = EventDispatcher.start(2);
        dispatcher.add(owner, "slow", new BlockingListener());

        dispatcher.messagePublished(message("m1"));
        assertTrue(firstEventTaken.await(10, TimeUnit.SECONDS));
        // m1 is held by the listener; m2 and m3 fill the queue; m4 and m5 do not fit.
        for (String address : List.of("m2", "m3", "m4", "m5")) {
            dispatcher.messagePublished(message(address));
        }

        assertEquals(2, dispatcher.droppedEvents());
        assertEquals(1, log.count(Level.WARN, "queue is full"));
        release.countDown();
        await().until(() -> delivered.size() == 3);
        assertEquals(List.of("m1", "m2", "m3"), delivered);
    }

    @Test
    void eventsWithoutListenersAreNotQueued() {
        dispatcher = EventDispatcher.start(1);

        for (int i = 0; i < 10; i++) {
            dispatcher.connectionOpened(CONNECTION);
        }

        assertEquals(0, dispatcher.droppedEvents());
    }

    @Test
    void closeDeliversEverythingQueuedFirst() {
        dispatcher = EventDispatcher.start(1_000);
        dispatcher.add(owner, "recorder", new RecordingListener());
        for (int i = 0; i < 1_000; i++) {
            dispatcher.messagePublished(message("m" + i));
        }

        assertTrue(dispatcher.close(CLOSE_TIMEOUT));

        assertEquals(1_000, delivered.size());
        assertEquals("m999", delivered.get(999));
    }

    @Test
    void closeGivesUpOnAStuckListener() throws InterruptedException {
        dispatcher = EventDispatcher.start(10);
        dispatcher.add(owner, "stuck", new BlockingListener());
        dispatcher.messagePublished(message("m1"));
        assertTrue(firstEventTaken.await(10, TimeUnit.SECONDS));
        dispatcher.messagePublished(message("m2"));

        assertFalse(dispatcher.close(Duration.ofMillis(50)));

        log.assertLogged(Level.WARN, "did not finish", "1 queued broker events are not delivered");
    }

    @Test
    void removedListenersGetNothingMore() {
        dispatcher = EventDispatcher.start(10);
        dispatcher.add(owner, "recorder", new RecordingListener());
        dispatcher.messagePublished(message("m1"));
        await().until(() -> delivered.size() == 1);

        dispatcher.removeAll(owner);
        dispatcher.messagePublished(message("m2"));
        dispatcher.close(CLOSE_TIMEOUT);

        assertEquals(List.of("m1"), delivered);
    }

    @Test
    void interruptLeftByAListenerDoesNotStopDelivery() {
        dispatcher = EventDispatcher.start(10);
        dispatcher.add(owner, "rude", new BrokerEventListener() {
            @Override
            public void connectionOpened(ConnectionInfo connection) {
                Thread.currentThread().interrupt();
            }
        });
        dispatcher.add(owner, "recorder", new RecordingListener());

        dispatcher.connectionOpened(CONNECTION);
        await().until(() -> delivered.size() == 1);
        dispatcher.messagePublished(message("m1"));

        await().until(() -> delivered.size() == 2);
    }

    private static PublishedMessage message(String address) {
        return new PublishedMessage("c1", address, "q", 1, true);
    }

    private final class RecordingListener implements BrokerEventListener {
        @Override
        public void connectionOpened(ConnectionInfo connection) {
            delivered.add("opened " + connection.id());
        }

        @Override
        public void messagePublished(PublishedMessage message) {
            delivered.add(message.address());
        }
    }

    /** Holds the delivery thread on the first event until the test releases it. */
    private final class BlockingListener implements BrokerEventListener {
        @Override
        public void messagePublished(PublishedMessage message) {
            firstEventTaken.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            delivered.add(message.address());
        }
    }
}
