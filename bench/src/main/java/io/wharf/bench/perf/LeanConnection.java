package io.wharf.bench.perf;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;

/**
 * One AMQP connection of the lean engine: a proton-j transport on a non-blocking socket, driven by one thread that
 * does everything (the vertx-proton loop without the framework): read what the socket has into the transport,
 * drain the collector, let the {@link Role} send or settle, write what the transport has, wait for the socket or
 * for the next due send. No locks: the proton-j objects never leave this thread.
 */
final class LeanConnection {

    /** What the connection is for: a producer's senders or a consumer's receivers. Called on the I/O thread. */
    interface Role {

        /** Creates and opens the links on the freshly opened session. */
        void open(Session session);

        /** Every link is attached by the broker (and ready to be used). */
        boolean attached();

        /** A transfer arrived or a sent delivery's state changed. */
        void onDelivery(Delivery delivery);

        /**
         * Does what is due now (sends); answers how many nanoseconds until it wants to run again without I/O:
         * 0 = at once (it stopped only to let I/O happen), Long.MAX_VALUE = only when something arrives.
         */
        long work(long nowNanos);

        /** After a stop was asked for: nothing left to wait for (every send settled). */
        boolean quiescent();
    }

    private static final long TICK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_SELECT_MILLIS = 100;

    private final ClientEngine.Endpoint endpoint;
    private final String containerId;
    private final Role role;
    private final Thread thread;
    private final CompletableFuture<Void> attached = new CompletableFuture<>();
    private volatile boolean stopRequested;
    private volatile long settleTimeoutNanos;
    private volatile Selector selector;

    private SocketChannel channel;
    private SelectionKey key;
    private Transport transport;
    private Connection connection;
    private Collector collector;
    private boolean inputClosed;
    private boolean remoteClosed;
    private String failure;

    LeanConnection(ClientEngine.Endpoint endpoint, String containerId, Role role) {
        this.endpoint = endpoint;
        this.containerId = containerId;
        this.role = role;
        this.thread = new Thread(this::run, containerId);
        thread.setDaemon(true);
    }

    /** Connects, opens and waits until every link is attached. */
    void start(Duration timeout) throws Exception {
        thread.start();
        try {
            attached.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            stop(Duration.ZERO);
            throw e;
        }
    }

    /** Stops the role's work, waits up to {@code settleTimeout} until it is quiescent, closes the connection. */
    void stop(Duration settleTimeout) {
        settleTimeoutNanos = settleTimeout.toNanos();
        stopRequested = true;
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
        try {
            thread.join(settleTimeout.toMillis() + 10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            connect();
            loop();
            closeGracefully();
        } catch (Exception | LinkageError e) {
            fail(e.toString());
        } finally {
            attached.completeExceptionally(new IllegalStateException(
                    failure != null ? failure : "connection ended before its links were attached"));
            try {
                if (selector != null) {
                    selector.close();
                }
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void connect() throws IOException {
        channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.connect(new InetSocketAddress(endpoint.host(), endpoint.port()));
        channel.configureBlocking(false);
        selector = Selector.open();
        key = channel.register(selector, SelectionKey.OP_READ);

        transport = Transport.Factory.create();
        Sasl sasl = transport.sasl();
        sasl.client();
        if (endpoint.user() == null) {
            sasl.setMechanisms("ANONYMOUS");
        } else {
            sasl.plain(endpoint.user(), endpoint.password());
        }
        connection = Connection.Factory.create();
        connection.setContainer(containerId);
        connection.setHostname(endpoint.host());
        collector = Collector.Factory.create();
        connection.collect(collector);
        transport.bind(connection);
        connection.open();
        Session session = connection.session();
        session.open();
        role.open(session);
    }

    private void loop() throws IOException {
        long stopDeadline = 0;
        long nextTick = 0;
        while (failure == null && !inputClosed && !remoteClosed) {
            long now = System.nanoTime();
            drainEvents();
            if (!attached.isDone() && role.attached()) {
                attached.complete(null);
            }
            long waitNanos = Long.MAX_VALUE;
            if (!stopRequested) {
                if (attached.isDone()) {
                    waitNanos = role.work(now);
                    drainEvents();
                }
            } else {
                if (stopDeadline == 0) {
                    stopDeadline = now + settleTimeoutNanos;
                }
                if (role.quiescent() || now - stopDeadline >= 0) {
                    return;
                }
                waitNanos = TimeUnit.MILLISECONDS.toNanos(10);
            }
            if (now - nextTick >= 0) {
                // heartbeats, should the broker ask for them
                transport.tick(System.currentTimeMillis());
                nextTick = now + TICK_INTERVAL_NANOS;
            }
            flush();
            awaitIo(waitNanos);
            read();
        }
        if (failure == null && !stopRequested) {
            fail("the broker closed the connection");
        }
    }

    private void awaitIo(long waitNanos) throws IOException {
        if (waitNanos <= 0) {
            selector.selectNow();
        } else if (waitNanos < TimeUnit.MILLISECONDS.toNanos(1)) {
            // select() has millisecond granularity; an open-loop producer at thousands per second needs better
            if (selector.selectNow() == 0) {
                LockSupport.parkNanos(waitNanos);
            }
        } else {
            selector.select(Math.min(MAX_SELECT_MILLIS, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
        }
        selector.selectedKeys().clear();
    }

    private void read() throws IOException {
        while (true) {
            int capacity = transport.capacity();
            if (capacity <= 0) {
                if (capacity < 0) {
                    inputClosed = true;
                }
                return;
            }
            ByteBuffer tail = transport.tail();
            int n = channel.read(tail);
            if (n > 0) {
                transport.process();
            } else {
                if (n < 0) {
                    transport.close_tail();
                    inputClosed = true;
                }
                return;
            }
        }
    }

    private void flush() throws IOException {
        while (true) {
            int pending = transport.pending();
            if (pending <= 0) {
                key.interestOps(SelectionKey.OP_READ);
                return;
            }
            int n = channel.write(transport.head());
            if (n > 0) {
                transport.pop(n);
            } else {
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return;
            }
        }
    }

    private void drainEvents() {
        Event event;
        while ((event = collector.peek()) != null) {
            switch (event.getType()) {
                case DELIVERY -> role.onDelivery(event.getDelivery());
                case LINK_REMOTE_CLOSE, LINK_REMOTE_DETACH -> {
                    Link link = event.getLink();
                    if (!stopRequested) {
                        fail("the broker closed link " + link.getName() + describe(link.getRemoteCondition()));
                    }
                }
                case CONNECTION_REMOTE_CLOSE -> {
                    remoteClosed = true;
                    if (!stopRequested) {
                        fail("the broker closed the connection" + describe(connection.getRemoteCondition()));
                    }
                }
                case TRANSPORT_ERROR -> fail("transport error" + describe(transport.getCondition()));
                default -> {
                    // CONNECTION_*, SESSION_*, LINK_INIT/LOCAL_*/REMOTE_OPEN, LINK_FLOW (work() looks at credit
                    // on every turn), TRANSPORT, TRANSPORT_HEAD/TAIL_CLOSED, TRANSPORT_CLOSED: nothing to do.
                }
            }
            collector.pop();
        }
    }

    private void closeGracefully() throws IOException {
        if (connection.getLocalState() == EndpointState.CLOSED) {
            return;
        }
        connection.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!inputClosed && !remoteClosed && System.nanoTime() - deadline < 0) {
            flush();
            awaitIo(TimeUnit.MILLISECONDS.toNanos(50));
            read();
            drainEvents();
        }
    }

    private void fail(String why) {
        if (failure == null) {
            failure = why;
            if (!stopRequested) {
                System.err.println("wharf-perf: " + containerId + ": " + why);
            }
        }
    }

    private static String describe(ErrorCondition condition) {
        if (condition == null || condition.getCondition() == null) {
            return "";
        }
        return ": " + condition.getCondition() + (condition.getDescription() != null
                ? " " + condition.getDescription() : "");
    }
}
