package io.wharf.amqp.engine;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.wharf.amqp.management.ManagementApi;
import io.wharf.amqp.sasl.SaslAuthenticator;
import io.wharf.amqp.stats.MessageCounters;
import io.wharf.plugin.ConnectionInfo;
import io.wharf.store.queue.QueueLimitException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ConnectionError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.SaslListener;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.TransportException;
import org.apache.qpid.proton.engine.impl.WharfTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: bytes in to the proton-j transport, collector drained in one switch, bytes out once per
 * read batch. Every proton-j object of the connection is touched only on this channel's event loop; work that
 * comes back from queue or store threads is posted to the loop first ({@link #runOnLoop}).
 */
public final class AmqpConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpConnectionHandler.class);
    private static final String DEFAULT_VHOST = "/";
    private static final Symbol CONNECTION_ESTABLISHMENT_FAILED = Symbol.valueOf("amqp:connection-establishment-failed");

    private final EngineContext context;
    private final boolean saslLayer;

    private ChannelHandlerContext ctx;
    private Transport transport;
    private Connection connection;
    private Collector collector;
    private String user;
    private String vhost = DEFAULT_VHOST;
    /** The virtual host chosen at open; null before. */
    private VirtualHost host;
    private ConnectionInfo info;
    private final List<ConsumerLink> consumers = new ArrayList<>();
    private final List<ProducerLink> producers = new ArrayList<>();
    private final List<ManagementLinkPair> managementPairs = new ArrayList<>();
    /** Consumers that are topic subscriptions, with their subscription. */
    private final Map<ConsumerLink, TopicSubscription> subscriptions = new HashMap<>();
    private ManagementApi managementApi;
    /** This connection's transactions; made on first use. */
    private TransactionCoordinator transactions;
    /** Exclusive queues declared on this connection (through management): deleted when it closes. */
    private final Set<String> exclusiveQueues = ConcurrentHashMap.newKeySet();
    /** Temporary queues of this connection's dynamic links (deleted by their links; here only for ownership). */
    private final Set<String> temporaryQueues = ConcurrentHashMap.newKeySet();
    /** Subscription queues a no-local consumer of this connection reads: its own publications skip them. Loop only. */
    private final Set<String> noLocalQueues = new java.util.HashSet<>();
    private boolean flushScheduled;
    private boolean closeWhenFlushed;
    private boolean channelClosing;
    private volatile boolean cleanedUp;
    private ScheduledFuture<?> tickTask;
    /** Sessions the peer has begun and not ended, held to amqp.channel-max. */
    private int sessionsOpen;
    /** Whether the open was admitted and counted in the connection limits (uncounted at clean-up). */
    private boolean admitted;
    /** The CN of a verified TLS client certificate, for SASL EXTERNAL; null without one. */
    private String certificateName;
    /** Messages in and out of this connection (management rates); set at open. */
    private MessageCounters counters;
    private long connectedAtMs;

    /**
     * @param saslLayer true when the client opened with the SASL protocol header; false for a bare AMQP header
     *                  (allowed only with anonymous access on)
     */
    public AmqpConnectionHandler(EngineContext context, boolean saslLayer) {
        this.context = context;
        this.saslLayer = saslLayer;
    }

    EngineContext context() {
        return context;
    }

    /** This connection's message counters; null before open. */
    MessageCounters counters() {
        return counters;
    }

    /** The connection as plugins and management see it; set once the connection is open. */
    ConnectionInfo info() {
        return info;
    }

    long connectedAtMs() {
        return connectedAtMs;
    }

    /** The proton-j connection (loop thread only). */
    Connection protonConnection() {
        return connection;
    }

    /** The connection's virtual host: its queues, topology and addresses. Set once the connection is open. */
    VirtualHost vhost() {
        return host;
    }

    /** The client's container id (Qpid JMS: the JMS client ID when one is set). */
    String remoteContainer() {
        return connection.getRemoteContainer();
    }

    /** Whether the connection is going: work finishing late must not open links on it. */
    boolean closing() {
        return cleanedUp || channelClosing;
    }

    /** A topic subscription's consumer was attached (after its queue was made). Loop thread only. */
    void subscribed(ConsumerLink consumer, TopicSubscription subscription) {
        consumers.add(consumer);
        subscriptions.put(consumer, subscription);
    }

    /** Completes once the consumer's subscription (if any) has done what leaving it does. */
    private CompletableFuture<Void> unsubscribed(ConsumerLink consumer, boolean closed) {
        TopicSubscription subscription = subscriptions.remove(consumer);
        return subscription == null ? CompletableFuture.completedFuture(null)
                : host.subscriptions().leave(subscription, closed);
    }

    /** The connection's transactions (coordinator links, open txns, the publish store step). Loop thread only. */
    TransactionCoordinator transactions() {
        if (transactions == null) {
            transactions = new TransactionCoordinator(this);
        }
        return transactions;
    }

    List<ManagementLinkPair> managementPairs() {
        return managementPairs;
    }

    /** The management API over this connection's virtual host, made on first use. Loop thread only. */
    ManagementApi managementApi() {
        if (managementApi == null) {
            managementApi = new ManagementApi(host.topology(), context.amqp().nodeName(), context.vhosts());
        }
        return managementApi;
    }

    /** An exclusive queue was declared for this connection; runs on the topology thread. */
    void exclusiveQueueDeclared(String queueName) {
        exclusiveQueues.add(queueName);
        if (cleanedUp && exclusiveQueues.remove(queueName)) {
            host.topology().deleteQueue(queueName);
        }
    }

    /** A temporary queue made by one of this connection's dynamic links: exclusive to this connection. */
    void ownTemporaryQueue(String queueName) {
        temporaryQueues.add(queueName);
    }

    /** Whether this connection may consume from the exclusive queue {@code queueName}. */
    boolean owns(String queueName) {
        return exclusiveQueues.contains(queueName) || temporaryQueues.contains(queueName);
    }

    /** See {@link #noLocalQueues}; event loop only. */
    Set<String> noLocalQueues() {
        return noLocalQueues;
    }

    /** The authenticated user (anonymous for SASL ANONYMOUS and bare AMQP). */
    String user() {
        return user;
    }

    /** The name of the connection's virtual host. */
    String vhostName() {
        return vhost;
    }

    String connectionId() {
        return info == null ? "(not open)" : info.id();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        transport = new WharfTransport();
        transport.setMaxFrameSize(context.amqp().maxFrameSizeBytes());
        transport.setChannelMax(context.amqp().channelMax());
        transport.setIdleTimeout(context.amqp().idleTimeoutMs());
        transport.setEmitFlowEventOnSend(false);
        if (saslLayer) {
            Sasl sasl = transport.sasl();
            sasl.server();
            certificateName = ConnectionAdmission.certificateName(ctx.channel());
            sasl.setMechanisms(context.authenticator().mechanisms(certificateName != null));
            sasl.setListener(new SaslServer());
        } else {
            user = SaslAuthenticator.ANONYMOUS_USER;
        }
        connection = Proton.connection();
        collector = Proton.collector();
        connection.collect(collector);
        transport.bind(connection);
        // The idle timeout runs from the protocol header, not from the open: a peer silent during SASL or before
        // its open is closed too (proton-j then fails the SASL exchange and writes open + close itself). The first
        // tick runs after the header bytes the header check hands over, so the silence is measured from them.
        ctx.executor().execute(this::tick);
        ConnectionAdmission.handshakeDeadline(ctx, context, () -> info == null && !cleanedUp);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            while (in.isReadable()) {
                int capacity = transport.capacity();
                if (capacity <= 0) {
                    // Input side closed (after an error or a close): what follows is ignored.
                    break;
                }
                ByteBuffer tail = transport.tail();
                int n = Math.min(capacity, in.readableBytes());
                int limit = tail.limit();
                tail.limit(tail.position() + n);
                in.readBytes(tail);
                tail.limit(limit);
                try {
                    transport.process();
                } catch (TransportException e) {
                    throw e;
                } catch (RuntimeException | StackOverflowError malformed) {
                    // proton-j's frame parser throws plain runtime exceptions (buffer underflow, class cast) on
                    // some malformed frames instead of a TransportException, and recurses on nested types: a
                    // decode error, not ours.
                    LOG.info("Connection {} from {}: malformed frame: {}", connectionId(),
                            ctx.channel().remoteAddress(), malformed.toString());
                    failConnection(AmqpError.DECODE_ERROR, "malformed frame: " + malformed);
                    break;
                }
                processEvents();
            }
        } catch (TransportException e) {
            // Framing or decode error: proton-j has set the condition and queued the close frame.
            LOG.info("Connection {} from {}: protocol error: {}", connectionId(), ctx.channel().remoteAddress(),
                    e.getMessage());
            closeWhenFlushed = true;
            processEvents();
        } catch (RuntimeException e) {
            LOG.error("Connection {}: internal error; closing it", connectionId(), e);
            failConnection(AmqpError.INTERNAL_ERROR, "internal error: " + e);
        } finally {
            in.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cleanUp();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Connection {}: {}", connectionId(), cause.toString());
        ctx.close();
    }

    /** Runs {@code task} on this connection's event loop, then flushes. Safe from any thread. */
    void runOnLoop(Runnable task) {
        ctx.executor().execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Connection {}: internal error; closing it", connectionId(), e);
                failConnection(AmqpError.INTERNAL_ERROR, "internal error: " + e);
            }
            scheduleFlush();
        });
    }

    /** Runs {@code task} on this connection's loop after {@code delayMs}, unless the connection is gone by then. */
    void schedule(Runnable task, long delayMs) {
        ctx.executor().schedule(() -> {
            if (!cleanedUp) {
                runOnLoop(task);
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Asks for one flush at the end of the current loop turn (coalesced). Loop thread only. */
    void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(this::flush);
        }
    }

    /**
     * Closes the connection as the broker stops: a close frame with amqp:connection:forced, then the socket.
     * Safe from any thread.
     */
    public void closeForShutdown() {
        closeForced("the broker is shutting down");
    }

    /** Closes the connection with amqp:connection:forced and {@code description}. Safe from any thread. */
    void closeForced(String description) {
        ctx.executor().execute(() -> {
            if (connection.getLocalState() == EndpointState.ACTIVE) {
                connection.setCondition(new ErrorCondition(ConnectionError.CONNECTION_FORCED, description));
                connection.close();
                closeWhenFlushed = true;
                flush();
            } else {
                ctx.close();
            }
        });
    }

    private void failConnection(Symbol condition, String description) {
        if (connection.getLocalState() != EndpointState.CLOSED) {
            connection.setCondition(new ErrorCondition(condition, description));
            if (connection.getLocalState() == EndpointState.UNINITIALIZED) {
                connection.open();
            }
            connection.close();
        }
        closeWhenFlushed = true;
        scheduleFlush();
    }

    private void flush() {
        flushScheduled = false;
        if (channelClosing) {
            return;
        }
        try {
            processEvents();
        } catch (RuntimeException e) {
            LOG.error("Connection {}: internal error; closing it", connectionId(), e);
            connection.setCondition(new ErrorCondition(AmqpError.INTERNAL_ERROR, "internal error: " + e));
            connection.close();
            closeWhenFlushed = true;
        }
        writeOutput();
    }

    private void writeOutput() {
        boolean wrote = false;
        boolean endOfOutput = false;
        while (ctx.channel().isWritable() || closeWhenFlushed) {
            int pending = transport.pending();
            if (pending < 0) {
                endOfOutput = true;
                break;
            }
            if (pending == 0) {
                break;
            }
            // head() runs the output writer again and may hold more than pending() said: copy and pop
            // exactly what it holds, or the surplus would be sent twice.
            ByteBuffer head = transport.head();
            int size = head.remaining();
            ByteBuf out = ctx.alloc().ioBuffer(size);
            out.writeBytes(head);
            transport.pop(size);
            ctx.write(out, ctx.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if ((endOfOutput || (closeWhenFlushed && transport.pending() <= 0)) && !channelClosing) {
            channelClosing = true;
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void processEvents() {
        Event event;
        while ((event = collector.peek()) != null) {
            try {
                handle(event);
            } finally {
                collector.pop();
            }
        }
    }

    private void handle(Event event) {
        switch (event.getType()) {
            case CONNECTION_REMOTE_OPEN -> onConnectionOpen();
            case CONNECTION_REMOTE_CLOSE -> onConnectionClose();
            case SESSION_REMOTE_OPEN -> onSessionOpen(event.getSession());
            case SESSION_REMOTE_CLOSE -> onSessionClose(event.getSession());
            case LINK_REMOTE_OPEN -> onLinkOpen(event.getLink());
            case LINK_REMOTE_DETACH, LINK_REMOTE_CLOSE -> onLinkClose(event.getLink(),
                    event.getType() == Event.Type.LINK_REMOTE_CLOSE);
            case LINK_FLOW -> {
                if (event.getLink().getContext() instanceof ConsumerLink consumer) {
                    consumer.onFlow();
                } else if (event.getLink().getContext() instanceof ManagementLinkPair pair) {
                    pair.onFlow();
                }
            }
            case DELIVERY -> onDelivery(event.getDelivery());
            case TRANSPORT_ERROR -> {
                // After an idle timeout proton-j closes the input itself and reports that as a framing error
                // ("connection aborted"); the connection's own condition, when set, says what really happened.
                ErrorCondition local = connection.getCondition();
                ErrorCondition condition = local != null && local.getCondition() != null
                        ? local : transport.getCondition();
                LOG.info("Connection {}: transport error {}", connectionId(), condition);
                closeWhenFlushed = true;
            }
            case TRANSPORT_CLOSED -> closeWhenFlushed = true;
            default -> {
                // Ignored: *_INIT, *_BOUND, *_LOCAL_*, *_FINAL, TRANSPORT, TRANSPORT_HEAD/TAIL_CLOSED,
                // and reactor events; the remote-side events above carry everything we act on.
            }
        }
    }

    private void onConnectionOpen() {
        String hostname = connection.getRemoteHostname();
        if (hostname != null && hostname.startsWith("vhost:")) {
            vhost = hostname.substring("vhost:".length());
        }
        connection.setContainer(context.amqp().nodeName());
        connection.setProperties(context.openProperties());
        connection.setOfferedCapabilities(context.offeredCapabilities());
        host = context.vhosts().get(vhost);
        ErrorCondition refusal = host == null
                ? new ErrorCondition(AmqpError.NOT_FOUND, "virtual host '" + vhost + "' does not exist")
                : ConnectionAdmission.admit(context, user, vhost);
        if (refusal != null) {
            host = null;
            // The open is answered only to carry the close; this property tells the client so (AMQP 2.4.1), and
            // clients then fail their connect with the close's error.
            Map<Symbol, Object> refused = new HashMap<>(context.openProperties());
            refused.put(CONNECTION_ESTABLISHMENT_FAILED, Boolean.TRUE);
            connection.setProperties(refused);
            connection.open();
            failConnection(refusal.getCondition(), refusal.getDescription());
            return;
        }
        admitted = true;
        connection.open();
        info = new ConnectionInfo("conn-" + context.connectionIds().incrementAndGet(),
                String.valueOf(ctx.channel().remoteAddress()), user, vhost, connection.getRemoteContainer());
        LOG.debug("Connection {} opened by {} from {}", info.id(), user, info.remoteAddress());
        connectedAtMs = System.currentTimeMillis();
        counters = context.counters().register();
        context.connections().add(info.id(), this);
        context.events().connectionOpened(info);
        // The client's open may ask for heartbeats: tick now, not at the deadline computed before it arrived.
        if (tickTask != null) {
            tickTask.cancel(false);
        }
        tick();
    }

    private void onConnectionClose() {
        cleanUp();
        connection.close();
        closeWhenFlushed = true;
    }

    private void onSessionOpen(Session session) {
        // proton-j does not hold a peer to the channel-max it was given: count the sessions here.
        if (++sessionsOpen > context.amqp().channelMax() + 1) {
            failConnection(ConnectionError.FRAMING_ERROR, "more sessions than channel-max "
                    + context.amqp().channelMax() + " allows (amqp.channel-max)");
            return;
        }
        session.open();
    }

    private void onSessionClose(Session session) {
        sessionsOpen--;
        // proton-j raises no link events when a whole session ends: detach its links here.
        for (ConsumerLink consumer : new ArrayList<>(consumers)) {
            if (consumer.link().getSession() == session) {
                consumer.close();
                consumers.remove(consumer);
                unsubscribed(consumer, false);
            }
        }
        for (ProducerLink producer : new ArrayList<>(producers)) {
            if (producer.link().getSession() == session) {
                producer.close();
                producers.remove(producer);
            }
        }
        managementPairs.removeIf(pair -> pair.session() == session);
        if (transactions != null) {
            transactions.sessionClosed(session);
        }
        session.close();
    }

    private void onLinkOpen(Link link) {
        if (host == null) {
            // The connection was refused at open and is closing: its links get nothing.
            return;
        }
        String denied = LinkPermissions.attach(this, link);
        if (denied != null) {
            refuse(link, AmqpError.UNAUTHORIZED_ACCESS, denied);
            return;
        }
        try {
            attach(link);
        } catch (QueueLimitException e) {
            if (link.getLocalState() == EndpointState.UNINITIALIZED) {
                refuse(link, AmqpError.RESOURCE_LIMIT_EXCEEDED, e.getMessage());
            }
        }
    }

    private void attach(Link link) {
        if (ManagementLinkPair.isManagementLink(link)) {
            ManagementLinkPair.attach(this, link);
            return;
        }
        if (link instanceof Receiver receiver) {
            ProducerLink producer = ProducerLink.open(this, receiver);
            if (producer != null) {
                producers.add(producer);
            }
        } else if (GroupConsumers.applies(this, (Sender) link)) {
            consumers.add(GroupConsumers.attach(this, (Sender) link));
        } else if (TopicSubscription.isLookup((Sender) link)) {
            SubscriptionConsumers.lookup(this, (Sender) link);
        } else if (TopicSubscription.applies((Sender) link)) {
            SubscriptionConsumers.attach(this, (Sender) link);
        } else {
            ConsumerLink consumer = ConsumerLink.open(this, (Sender) link);
            if (consumer != null) {
                consumers.add(consumer);
            }
        }
    }

    private void onLinkClose(Link link, boolean closed) {
        Object owner = link.getContext();
        if (owner instanceof ConsumerLink consumer) {
            consumer.close();
            consumers.remove(consumer);
            CompletableFuture<Void> left = unsubscribed(consumer, closed);
            if (!left.isDone()) {
                // An unsubscribe: the detach reply waits until the subscription is gone, as JMS expects.
                left.whenComplete((v, error) -> runOnLoop(() -> replyToClose(link, closed)));
                return;
            }
        } else if (owner instanceof ProducerLink producer) {
            producer.close();
            producers.remove(producer);
        } else if (owner instanceof ManagementLinkPair pair) {
            pair.closed(link);
        } else if (owner instanceof CoordinatorLink coordinator) {
            coordinator.close();
        }
        replyToClose(link, closed);
    }

    private static void replyToClose(Link link, boolean closed) {
        if (link.getLocalState() != EndpointState.CLOSED) {
            if (closed) {
                link.close();
            } else {
                link.detach();
            }
        }
        link.free();
    }

    private void onDelivery(Delivery delivery) {
        Object owner = delivery.getLink().getContext();
        if (owner instanceof ProducerLink producer) {
            producer.onTransfer(delivery);
        } else if (owner instanceof ConsumerLink consumer) {
            consumer.onDisposition(delivery);
        } else if (owner instanceof ManagementLinkPair pair) {
            pair.onDelivery(delivery);
        } else if (owner instanceof CoordinatorLink coordinator) {
            coordinator.onTransfer(delivery);
        }
    }

    /** Refuses a link at attach: a reply attach with a null terminus, then a detach carrying the error. */
    static void refuse(Link link, Symbol condition, String description) {
        if (link instanceof Receiver) {
            link.setTarget(null);
            link.setSource(link.getRemoteSource());
        } else {
            link.setSource(null);
            link.setTarget(link.getRemoteTarget());
        }
        link.setCondition(new ErrorCondition(condition, description));
        link.open();
        link.close();
    }

    /**
     * Drives idle timeouts: proton-j says when it next needs the clock (heartbeats out, idle check in). One chain
     * of ticks per connection, started when the handler is added and restarted at the client's open.
     */
    private void tick() {
        tickTask = null;
        if (channelClosing || cleanedUp) {
            return;
        }
        long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
        long deadline = transport.tick(now);
        scheduleFlush();
        if (deadline != 0) {
            tickTask = ctx.executor().schedule(this::tick, Math.max(1, deadline - now), TimeUnit.MILLISECONDS);
        }
    }

    private void cleanUp() {
        if (cleanedUp) {
            return;
        }
        cleanedUp = true;
        if (tickTask != null) {
            tickTask.cancel(false);
        }
        for (ConsumerLink consumer : consumers) {
            consumer.close();
            unsubscribed(consumer, false);
        }
        consumers.clear();
        for (ProducerLink producer : producers) {
            producer.close();
        }
        producers.clear();
        managementPairs.clear();
        if (transactions != null) {
            transactions.connectionClosed();
        }
        for (String queue : exclusiveQueues) {
            if (exclusiveQueues.remove(queue)) {
                host.topology().deleteQueue(queue);
            }
        }
        if (admitted) {
            context.security().connections().closed(user, vhost);
        }
        if (info != null) {
            context.connections().remove(info.id());
            context.counters().release(counters);
            context.events().connectionClosed(info);
            LOG.debug("Connection {} closed", info.id());
        }
    }

    /** SASL server side: checks the sasl-init off the loop, answers the outcome on it. */
    private final class SaslServer implements SaslListener {

        @Override
        public void onSaslInit(Sasl sasl, Transport transport) {
            String[] mechanisms = sasl.getRemoteMechanisms();
            String mechanism = mechanisms.length == 0 ? null : mechanisms[0];
            byte[] response = new byte[Math.max(0, sasl.pending())];
            sasl.recv(response, 0, response.length);
            InetAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress isa
                    ? isa.getAddress() : null;
            context.authenticator().authenticate(mechanism, response, remote, certificateName)
                    .whenComplete((name, error) ->
                    ctx.executor().execute(() -> {
                        if (name != null && error == null) {
                            user = name;
                            sasl.done(Sasl.SaslOutcome.PN_SASL_OK);
                        } else {
                            LOG.info("Login refused for a connection from {} (mechanism {})",
                                    ctx.channel().remoteAddress(), mechanism);
                            sasl.done(Sasl.SaslOutcome.PN_SASL_AUTH);
                            closeWhenFlushed = true;
                        }
                        flush();
                    }));
        }

        @Override
        public void onSaslResponse(Sasl sasl, Transport transport) {
            // PLAIN and ANONYMOUS finish in the init frame; there are no challenges to answer.
        }

        @Override
        public void onSaslMechanisms(Sasl sasl, Transport transport) {
            // client-side event
        }

        @Override
        public void onSaslChallenge(Sasl sasl, Transport transport) {
            // client-side event
        }

        @Override
        public void onSaslOutcome(Sasl sasl, Transport transport) {
            // client-side event
        }
    }
}
