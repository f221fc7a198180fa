package io.wharf.amqp.fuzz;

import io.wharf.amqp.message.MalformedMessageException;
import io.wharf.amqp.message.MessageView;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.TransportException;

/**
 * The in-process fuzzer: hostile inputs from {@link FrameMutator} fed, in random-sized pieces, into a server-side
 * proton-j transport set up as the broker sets up its own (SASL server, frame size and channel limits), with the
 * events answered as the broker answers them (open, begin, attach, credit) and every received message parsed
 * with Wharf's {@link MessageView} and its sections read. No sockets, no threads: thousands of inputs a second.
 *
 * <p>Allowed endings of an input: processed, a {@link TransportException} (proton-j's decode/framing error),
 * a {@link MalformedMessageException} (Wharf's message parser), or another runtime exception from proton-j's
 * frame parser, which the broker's connection handler turns into {@code amqp:decode-error} (counted under
 * its class name), including a {@link StackOverflowError} from proton-j's recursive decoder on deeply nested
 * types (the handler catches that too). Anything else thrown from Wharf's parser, or any other {@link Error}, is
 * a failure.
 */
public final class DecoderFuzz {

    private static final int MAX_FRAME_SIZE = 65_536;
    private static final int FAILURES_KEPT = 10;

    private DecoderFuzz() {
    }

    /** Runs for {@code durationMs}; deterministic inputs for a seed (timing decides how many). */
    public static FuzzReport run(long durationMs, long seed) {
        FrameCorpus corpus = new FrameCorpus();
        FrameMutator mutator = new FrameMutator(seed);
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        Map<String, Long> outcomes = new HashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        long inputs = 0;
        long bytes = 0;
        long start = System.nanoTime();
        long deadline = start + durationMs * 1_000_000L;
        List<List<byte[]>> streams = corpus.streams();
        byte[] message = corpus.message("/queues/fuzz");
        while (System.nanoTime() < deadline) {
            List<FrameMutator.Kind> applied = new ArrayList<>();
            boolean messageOnly = random.nextInt(3) == 0;
            byte[] input = messageOnly ? mutator.mutateMessage(message, applied)
                    : mutator.mutate(streams.get(random.nextInt(streams.size())), applied);
            inputs++;
            bytes += input.length;
            String outcome;
            try {
                outcome = messageOnly ? parseMessage(input) : feed(input, random);
            } catch (Throwable t) {
                outcome = "FAILED " + t.getClass().getSimpleName();
                if (failures.size() < FAILURES_KEPT) {
                    failures.put("input " + inputs + " " + applied, t.toString());
                }
            }
            outcomes.merge(outcome, 1L, Long::sum);
        }
        return new FuzzReport(inputs, bytes, outcomes, failures, (System.nanoTime() - start) / 1_000_000);
    }

    /** One input through a fresh server transport. Returns how it ended; throws on a rule broken. */
    private static String feed(byte[] input, SplittableRandom random) {
        Transport transport = Proton.transport();
        transport.setMaxFrameSize(MAX_FRAME_SIZE);
        transport.setChannelMax(255);
        boolean sasl = input.length >= 5 && input[4] == 3;
        if (sasl) {
            Sasl server = transport.sasl();
            server.server();
            server.setMechanisms("PLAIN", "ANONYMOUS");
        }
        Connection connection = Proton.connection();
        Collector collector = Proton.collector();
        connection.collect(collector);
        transport.bind(connection);
        int offset = 0;
        try {
            while (offset < input.length) {
                if (sasl && transport.sasl().getState() == Sasl.SaslState.PN_SASL_STEP) {
                    transport.sasl().done(Sasl.SaslOutcome.PN_SASL_OK);
                }
                int capacity = transport.capacity();
                if (capacity <= 0) {
                    return "input closed";
                }
                int n = Math.min(Math.min(capacity, input.length - offset), 1 + random.nextInt(4096));
                transport.tail().put(input, offset, n);
                offset += n;
                try {
                    transport.process();
                } catch (StackOverflowError deepNesting) {
                    // proton-j decodes nested types recursively; the broker's handler closes such a connection
                    // with amqp:decode-error (an Error from Wharf's own code is still a failure below).
                    return "proton-j StackOverflowError";
                }
                drain(collector);
                while (transport.pending() > 0) {
                    transport.pop(transport.head().remaining());
                }
            }
            return "processed";
        } catch (TransportException e) {
            return "TransportException";
        } catch (RuntimeException e) {
            // proton-j's own parser; the broker closes such a connection with amqp:decode-error.
            return "proton-j " + e.getClass().getSimpleName();
        }
    }

    private static void drain(Collector collector) {
        Event event;
        while ((event = collector.peek()) != null) {
            try {
                switch (event.getType()) {
                    case CONNECTION_REMOTE_OPEN -> event.getConnection().open();
                    case SESSION_REMOTE_OPEN -> event.getSession().open();
                    case LINK_REMOTE_OPEN -> {
                        Link link = event.getLink();
                        link.setSource(link.getRemoteSource());
                        link.setTarget(link.getRemoteTarget());
                        link.open();
                        if (link instanceof Receiver receiver) {
                            receiver.flow(100);
                        }
                    }
                    case DELIVERY -> received(event.getDelivery());
                    default -> {
                    }
                }
            } finally {
                collector.pop();
            }
        }
    }

    /** A mutated message straight into Wharf's parser. */
    private static String parseMessage(byte[] bytes) {
        try {
            inspect(bytes);
            return "message parsed";
        } catch (MalformedMessageException expected) {
            return "message malformed";
        }
    }

    /** A complete message goes through Wharf's parser: only MalformedMessageException may come out. */
    private static void received(Delivery delivery) {
        if (!(delivery.getLink() instanceof Receiver receiver) || delivery.isPartial()) {
            return;
        }
        int pending = delivery.pending();
        if (pending < 0 || pending > 1 << 24) {
            return;
        }
        byte[] bytes = new byte[pending];
        receiver.recv(bytes, 0, pending);
        receiver.advance();
        delivery.settle();
        try {
            inspect(bytes);
        } catch (MalformedMessageException expected) {
            // the message is refused with amqp:decode-error
        }
    }

    private static void inspect(byte[] bytes) {
        {
            MessageView view = MessageView.parse(ByteBuffer.wrap(bytes));
            view.to();
            view.durable();
            view.priority();
            view.ttlMs();
            view.absoluteExpiryTimeMs();
            view.messageAnnotation("x-opt-jms-dest");
            view.messageAnnotations();
            view.applicationProperties();
            view.messageId();
            view.subject();
            view.replyTo();
            view.deliveryCount();
            view.firstAcquirer();
            view.bodyType();
            view.body();
        }
    }
}
