package io.wharf.broker.plugin;

import io.wharf.plugin.BrokerEventListener;
import io.wharf.plugin.ConnectionInfo;
import io.wharf.plugin.PublishedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Carries broker events from the threads that produce them (Netty event loops) to the registered listeners, on one
 * daemon thread of its own, in the order they were offered.
 *
 * <p>Design note. The producing side must never wait and must cost nothing while no plugin listens: it reads two
 * volatile fields and returns, without allocating. With listeners it allocates one small event and calls
 * {@link BlockingQueue#offer}, which never waits for space; a full queue drops the event and counts it, because a
 * slow plugin must not slow the broker down. {@link ArrayBlockingQueue} holds its lock only to store one reference;
 * if profiling ever shows the event loops contending on it, a many-to-one ring buffer can replace it here without
 * touching callers.
 *
 * <p>Listener failures are logged once per (listener class, exception class): a listener that fails on every
 * message would otherwise flood the log at message rate. The set of logged failures belongs to the delivery thread
 * alone, so it needs no locking.
 */
final class EventDispatcher implements BrokerEventListener {

    static final String THREAD_NAME = "wharf-plugin-events";

    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
    private static final long DROP_WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Event STOP = new Stop();

    private final int capacity;
    private final BlockingQueue<Event> queue;
    private final CopyOnWriteArrayList<Registration> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;

    private final AtomicLong droppedEvents = new AtomicLong();
    private final AtomicLong lastDropWarningNanos;
    private volatile long droppedAtLastWarning;

    private volatile boolean accepting = true;
    private volatile boolean abandoned;
    private boolean closed;

    /** Delivery thread only. */
    private final Set<FailureKey> loggedFailures = new HashSet<>();

    private EventDispatcher(int capacity) {
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.lastDropWarningNanos = new AtomicLong(System.nanoTime() - DROP_WARNING_INTERVAL_NANOS);
        this.thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((t, e) -> LOG.error("Plugin event thread died; plugins receive no more broker events", e));
    }

    /** Creates a dispatcher holding at most {@code capacity} undelivered events and starts its thread. */
    static EventDispatcher start(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        EventDispatcher dispatcher = new EventDispatcher(capacity);
        dispatcher.thread.start();
        return dispatcher;
    }

    /** Adds a listener; {@code owner} identifies who registered it, for {@link #removeAll} and for log messages. */
    void add(Object owner, String ownerName, BrokerEventListener listener) {
        listeners.add(new Registration(owner, ownerName, listener));
    }

    /** Removes every listener {@code owner} registered. */
    void removeAll(Object owner) {
        listeners.removeIf(registration -> registration.owner() == owner);
    }

    @Override
    public void connectionOpened(ConnectionInfo connection) {
        if (accepting && !listeners.isEmpty()) {
            offer(new ConnectionOpened(connection));
        }
    }

    @Override
    public void connectionClosed(ConnectionInfo connection) {
        if (accepting && !listeners.isEmpty()) {
            offer(new ConnectionClosed(connection));
        }
    }

    @Override
    public void messagePublished(PublishedMessage message) {
        if (accepting && !listeners.isEmpty()) {
            offer(new MessagePublished(message));
        }
    }

    /**
     * Queues any other event: {@code call} is run with each listener on the delivery thread. Costs two volatile
     * reads when nobody listens; callers that must build the event first ask {@link #hasListeners()}.
     */
    void post(String name, Consumer<BrokerEventListener> call) {
        if (accepting && !listeners.isEmpty()) {
            offer(new Posted(name, call));
        }
    }

    /** Whether an event offered now would be queued for at least one listener (two volatile reads). */
    boolean hasListeners() {
        return accepting && !listeners.isEmpty();
    }

    /** Events dropped so far because the queue was full. */
    long droppedEvents() {
        return droppedEvents.get();
    }

    /**
     * Stops taking events, delivers those already queued and stops the thread, waiting at most {@code timeout}.
     * Idempotent.
     *
     * @return true when everything queued was delivered; false when a listener held the thread past the timeout,
     *         in which case the thread is interrupted and left to end on its own (it is a daemon)
     */
    synchronized boolean close(Duration timeout) {
        if (closed) {
            return true;
        }
        closed = true;
        accepting = false;
        if (Thread.currentThread() == thread) {
            // A listener closing the broker: the thread cannot wait for itself. It delivers what is queued and ends;
            // if STOP does not fit, it ends after this event.
            if (!queue.offer(STOP)) {
                abandoned = true;
            }
            return false;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            // The queue may be full: waiting here for room is fine, this is the closing thread, not an event loop.
            if (queue.offer(STOP, remainingNanos(deadline), TimeUnit.NANOSECONDS)) {
                TimeUnit.NANOSECONDS.timedJoin(thread, remainingNanos(deadline));
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        boolean drained = !thread.isAlive();
        if (!drained) {
            abandoned = true;
            queue.remove(STOP);
            LOG.warn("Plugin event listeners did not finish within {} ms; {} queued broker events are not delivered",
                    timeout.toMillis(), queue.size());
            thread.interrupt();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return drained;
    }

    private static long remainingNanos(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private void offer(Event event) {
        if (!queue.offer(event)) {
            dropped();
        }
    }

    private void dropped() {
        long total = droppedEvents.incrementAndGet();
        long now = System.nanoTime();
        long last = lastDropWarningNanos.get();
        // Only the thread that wins the CAS logs, so at most one warning per interval however many loops drop.
        if (now - last >= DROP_WARNING_INTERVAL_NANOS && lastDropWarningNanos.compareAndSet(last, now)) {
            long sinceLastWarning = total - droppedAtLastWarning;
            droppedAtLastWarning = total;
            LOG.warn("Plugin event queue is full ({} events): dropped {} broker events since the last warning, {} in total;"
                    + " a plugin listener is slower than the broker", capacity, sinceLastWarning, total);
        }
    }

    private void run() {
        while (true) {
            Event event;
            try {
                event = queue.take();
            } catch (InterruptedException e) {
                // Only close() giving up ends the thread; an interrupt a listener left behind must not.
                if (abandoned) {
                    return;
                }
                continue;
            }
            if (event == STOP) {
                return;
            }
            deliver(event);
            if (abandoned) {
                return;
            }
        }
    }

    private void deliver(Event event) {
        for (Registration registration : listeners) {
            try {
                event.deliverTo(registration.listener());
            } catch (Exception | LinkageError failure) {
                // LinkageError included: a plugin jar built against missing classes fails that way, and it is the
                // plugin's fault, not the broker's.
                logOnce(registration, event, failure);
            }
        }
    }

    private void logOnce(Registration registration, Event event, Throwable failure) {
        Class<?> listenerClass = registration.listener().getClass();
        if (loggedFailures.add(new FailureKey(listenerClass, failure.getClass()))) {
            LOG.warn("Plugin '{}': event listener {} threw {} on {}; it keeps receiving events and further {} from it"
                            + " are not logged", registration.ownerName(), listenerClass.getName(),
                    failure.getClass().getName(), event.name(), failure.getClass().getSimpleName(), failure);
        }
    }

    private record Registration(Object owner, String ownerName, BrokerEventListener listener) {
    }

    private record FailureKey(Class<?> listener, Class<?> failure) {
    }

    private interface Event {
        void deliverTo(BrokerEventListener listener);

        String name();
    }

    private record ConnectionOpened(ConnectionInfo connection) implements Event {
        @Override
        public void deliverTo(BrokerEventListener listener) {
            listener.connectionOpened(connection);
        }

        @Override
        public String name() {
            return "connectionOpened";
        }
    }

    private record ConnectionClosed(ConnectionInfo connection) implements Event {
        @Override
        public void deliverTo(BrokerEventListener listener) {
            listener.connectionClosed(connection);
        }

        @Override
        public String name() {
            return "connectionClosed";
        }
    }

    private record MessagePublished(PublishedMessage message) implements Event {
        @Override
        public void deliverTo(BrokerEventListener listener) {
            listener.messagePublished(message);
        }

        @Override
        public String name() {
            return "messagePublished";
        }
    }

    private record Posted(String name, Consumer<BrokerEventListener> call) implements Event {
        @Override
        public void deliverTo(BrokerEventListener listener) {
            call.accept(listener);
        }
    }

    /** Queued by {@link #close}: everything before it is delivered, then the thread ends. */
    private record Stop() implements Event {
        @Override
        public void deliverTo(BrokerEventListener listener) {
        }

        @Override
        public String name() {
            return "stop";
        }
    }
}
