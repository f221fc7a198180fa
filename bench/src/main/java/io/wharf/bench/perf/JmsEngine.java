package io.wharf.bench.perf;

import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.apache.qpid.jms.JmsConnectionFactory;

/**
 * The Qpid JMS client, used the way applications use it: {@code BytesMessage}s, asynchronous sends with a
 * {@link CompletionListener} (at most {@code window} outstanding), {@code AUTO_ACKNOWLEDGE} consumers with a
 * {@code MessageListener}, prefetch = credit. Queues are {@code session.createQueue}, topics
 * {@code session.createTopic} (capability {@code queue} / {@code topic} on the terminus).
 */
final class JmsEngine implements ClientEngine {

    @Override
    public Kind kind() {
        return Kind.JMS;
    }

    private static Connection connect(Endpoint endpoint, int prefetch) throws JMSException {
        JmsConnectionFactory factory = new JmsConnectionFactory("amqp://" + endpoint.host() + ":" + endpoint.port()
                + "?jms.prefetchPolicy.all=" + prefetch);
        return endpoint.user() == null ? factory.createConnection()
                : factory.createConnection(endpoint.user(), endpoint.password());
    }

    private static Destination destination(Session session, DestinationKind kind, String address)
            throws JMSException {
        return kind == DestinationKind.TOPIC ? session.createTopic(address) : session.createQueue(address);
    }

    @Override
    public LoadConsumer startConsumer(Endpoint endpoint, ConsumerSpec spec, Meter meter) throws Exception {
        Connection connection = connect(endpoint, spec.credit());
        try {
            // One session for all of this connection's consumers: one dispatch thread, as an application would.
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            LongAdder received = new LongAdder();
            List<MessageConsumer> consumers = new ArrayList<>();
            for (String address : spec.addresses()) {
                MessageConsumer consumer = session.createConsumer(destination(session, spec.kind(), address));
                consumer.setMessageListener(message -> {
                    long now = System.nanoTime();
                    try {
                        meter.received(((BytesMessage) message).readLong(), now);
                    } catch (JMSException | ClassCastException e) {
                        meter.received(now, now);
                    }
                    received.increment();
                });
                consumers.add(consumer);
            }
            connection.start();
            return new LoadConsumer() {
                @Override
                public long received() {
                    return received.sum();
                }

                @Override
                public void close() {
                    closeQuietly(connection);
                }
            };
        } catch (Exception e) {
            closeQuietly(connection);
            throw e;
        }
    }

    @Override
    public LoadProducer startProducer(Endpoint endpoint, ProducerSpec spec, Meter meter) throws Exception {
        Connection connection = connect(endpoint, 1);
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            List<MessageProducer> producers = new ArrayList<>();
            for (String address : spec.addresses()) {
                MessageProducer producer = session.createProducer(destination(session, spec.kind(), address));
                producer.setDeliveryMode(spec.persistent() ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT);
                producers.add(producer);
            }
            JmsProducer producer = new JmsProducer(connection, session, producers, spec, meter);
            producer.thread.start();
            return producer;
        } catch (Exception e) {
            closeQuietly(connection);
            throw e;
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (JMSException | RuntimeException e) {
            // the broker may be gone already; nothing to do about it here
        }
    }

    /** The sending thread of one producer connection. */
    private static final class JmsProducer implements LoadProducer, CompletionListener {

        private final Connection connection;
        private final Session session;
        private final List<MessageProducer> producers;
        private final ProducerSpec spec;
        private final Meter meter;
        private final Semaphore window;
        private final Thread thread;
        private volatile boolean running = true;

        JmsProducer(Connection connection, Session session, List<MessageProducer> producers, ProducerSpec spec,
                    Meter meter) {
            this.connection = connection;
            this.session = session;
            this.producers = producers;
            this.spec = spec;
            this.meter = meter;
            this.window = new Semaphore(spec.window());
            this.thread = new Thread(this::sendLoop, "jms-producer");
            thread.setDaemon(true);
        }

        private void sendLoop() {
            Pacer pacer = new Pacer(spec.ratePerSecond(), spec.limit());
            byte[] body = Payload.template(spec.sizeBytes());
            int next = 0;
            pacer.start(System.nanoTime());
            try {
                while (running && !pacer.exhausted()) {
                    long wait = pacer.nanosUntilNext(System.nanoTime());
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                        continue;
                    }
                    if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    Payload.stamp(body, 0, pacer.take(System.nanoTime()));
                    BytesMessage message = session.createBytesMessage();
                    message.writeBytes(body);
                    producers.get(next).send(message, this);
                    next = next + 1 == producers.size() ? 0 : next + 1;
                    meter.sent();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (JMSException | RuntimeException e) {
                if (running) {
                    System.err.println("wharf-perf: producer stopped: " + e);
                }
            }
        }

        @Override
        public void onCompletion(Message message) {
            meter.settled(true);
            window.release();
        }

        @Override
        public void onException(Message message, Exception exception) {
            meter.settled(false);
            window.release();
        }

        @Override
        public void stop(Duration settleTimeout) {
            running = false;
            try {
                thread.join(10_000);
                if (window.tryAcquire(spec.window(), settleTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    window.release(spec.window());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(connection);
        }
    }
}
