package io.wharf.bench.perf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

/**
 * The lean client: raw proton-j, one thread per connection ({@link LeanConnection}), the message encoded once
 * (header + one data section) with only its 8 time bytes patched per send, consumers that read the send time at
 * a fixed offset from the end and settle at once. What the broker can do when the client costs little.
 */
final class LeanEngine implements ClientEngine {

    private static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(30);
    private static final int SEND_BATCH = 64;
    private static final AtomicInteger CONNECTIONS = new AtomicInteger();

    @Override
    public Kind kind() {
        return Kind.LEAN;
    }

    @Override
    public LoadConsumer startConsumer(Endpoint endpoint, ConsumerSpec spec, Meter meter) throws Exception {
        ConsumerRole role = new ConsumerRole(spec, meter);
        LeanConnection connection = new LeanConnection(endpoint,
                "wharf-perf-consumer-" + CONNECTIONS.incrementAndGet(), role);
        connection.start(ATTACH_TIMEOUT);
        return new LoadConsumer() {
            @Override
            public long received() {
                return role.received.sum();
            }

            @Override
            public void close() {
                connection.stop(Duration.ZERO);
            }
        };
    }

    @Override
    public LoadProducer startProducer(Endpoint endpoint, ProducerSpec spec, Meter meter) throws Exception {
        LeanConnection connection = new LeanConnection(endpoint,
                "wharf-perf-producer-" + CONNECTIONS.incrementAndGet(), new ProducerRole(spec, meter));
        connection.start(ATTACH_TIMEOUT);
        return connection::stop;
    }

    private static boolean attached(List<? extends Link> links) {
        for (Link link : links) {
            if (link.getRemoteState() != EndpointState.ACTIVE) {
                return false;
            }
        }
        return true;
    }

    /** Senders on every address, round-robin, at most {@code window} unsettled, paced by a {@link Pacer}. */
    private static final class ProducerRole implements LeanConnection.Role {

        private final ProducerSpec spec;
        private final Meter meter;
        private final List<Sender> senders = new ArrayList<>();
        private final byte[] encoded;
        private final int stampOffset;
        private final Pacer pacer;
        private boolean started;
        private int unsettled;
        private int next;
        private long tag;

        ProducerRole(ProducerSpec spec, Meter meter) {
            this.spec = spec;
            this.meter = meter;
            this.pacer = new Pacer(spec.ratePerSecond(), spec.limit());
            Message message = Message.Factory.create();
            Header header = new Header();
            header.setDurable(spec.persistent());
            message.setHeader(header);
            message.setBody(new Data(new Binary(Payload.template(spec.sizeBytes()))));
            byte[] buffer = new byte[spec.sizeBytes() + 64];
            int length = message.encode(buffer, 0, buffer.length);
            encoded = Arrays.copyOf(buffer, length);
            stampOffset = length - spec.sizeBytes(); // the data section's bytes end the message
        }

        @Override
        public void open(Session session) {
            Symbol capability = Symbol.valueOf(spec.kind().capability());
            for (String address : spec.addresses()) {
                Sender sender = session.sender("wharf-perf-sender-" + senders.size() + "-" + address);
                Target target = new Target();
                target.setAddress(address);
                target.setCapabilities(capability);
                sender.setTarget(target);
                sender.setSource(new Source());
                sender.setSenderSettleMode(SenderSettleMode.UNSETTLED);
                sender.open();
                senders.add(sender);
            }
        }

        @Override
        public boolean attached() {
            return LeanEngine.attached(senders);
        }

        @Override
        public long work(long nowNanos) {
            if (!started) {
                pacer.start(nowNanos);
                started = true;
            }
            long now = nowNanos;
            for (int i = 0; i < SEND_BATCH; i++) {
                long wait = pacer.nanosUntilNext(now);
                if (wait > 0) {
                    return wait;
                }
                if (unsettled >= spec.window()) {
                    return Long.MAX_VALUE;
                }
                Sender sender = nextWithCredit();
                if (sender == null) {
                    return Long.MAX_VALUE;
                }
                Payload.stamp(encoded, stampOffset, pacer.take(now));
                sender.delivery(nextTag());
                sender.send(encoded, 0, encoded.length);
                sender.advance();
                unsettled++;
                meter.sent();
                now = System.nanoTime();
            }
            return 0;
        }

        private Sender nextWithCredit() {
            for (int i = 0; i < senders.size(); i++) {
                Sender sender = senders.get(next);
                next = next + 1 == senders.size() ? 0 : next + 1;
                if (sender.getCredit() > 0) {
                    return sender;
                }
            }
            return null;
        }

        private byte[] nextTag() {
            long t = tag++;
            return new byte[] {(byte) (t >>> 24), (byte) (t >>> 16), (byte) (t >>> 8), (byte) t};
        }

        @Override
        public void onDelivery(Delivery delivery) {
            if (!delivery.isSettled() && (delivery.remotelySettled() || delivery.getRemoteState() != null)) {
                boolean accepted = delivery.getRemoteState() instanceof Accepted;
                delivery.settle();
                unsettled--;
                meter.settled(accepted);
            }
        }

        @Override
        public boolean quiescent() {
            return unsettled == 0;
        }
    }

    /** A receiver on every address with {@code credit}, topped up at half; every delivery accepted at once. */
    private static final class ConsumerRole implements LeanConnection.Role {

        private final ConsumerSpec spec;
        private final Meter meter;
        private final List<Receiver> receivers = new ArrayList<>();
        private final LongAdder received = new LongAdder();
        private byte[] buffer = new byte[64 * 1024];

        ConsumerRole(ConsumerSpec spec, Meter meter) {
            this.spec = spec;
            this.meter = meter;
        }

        @Override
        public void open(Session session) {
            Symbol capability = Symbol.valueOf(spec.kind().capability());
            for (String address : spec.addresses()) {
                Receiver receiver = session.receiver("wharf-perf-receiver-" + receivers.size() + "-" + address);
                Source source = new Source();
                source.setAddress(address);
                source.setCapabilities(capability);
                receiver.setSource(source);
                receiver.setTarget(new Target());
                receiver.open();
                receiver.flow(spec.credit());
                receivers.add(receiver);
            }
        }

        @Override
        public boolean attached() {
            return LeanEngine.attached(receivers);
        }

        @Override
        public void onDelivery(Delivery delivery) {
            if (!(delivery.getLink() instanceof Receiver receiver) || !delivery.isReadable()
                    || delivery.isPartial()) {
                return;
            }
            int size = delivery.pending();
            if (size > buffer.length) {
                buffer = new byte[Math.max(size, buffer.length * 2)];
            }
            int length = receiver.recv(buffer, 0, size);
            receiver.advance();
            long now = System.nanoTime();
            // The body's data section ends the message whatever header or annotations the broker put before it.
            int bodyBytes = spec.sizeBytes();
            meter.received(length >= bodyBytes ? Payload.stampOf(buffer, length - bodyBytes) : now, now);
            received.increment();
            delivery.disposition(Accepted.getInstance());
            delivery.settle();
            int credit = receiver.getCredit();
            if (credit <= spec.credit() / 2) {
                receiver.flow(spec.credit() - credit);
            }
        }

        @Override
        public long work(long nowNanos) {
            return Long.MAX_VALUE;
        }

        @Override
        public boolean quiescent() {
            return true;
        }
    }
}
