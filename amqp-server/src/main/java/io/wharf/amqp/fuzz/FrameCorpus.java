package io.wharf.amqp.fuzz;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.security.SaslInit;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.Close;
import org.apache.qpid.proton.amqp.transport.Detach;
import org.apache.qpid.proton.amqp.transport.Disposition;
import org.apache.qpid.proton.amqp.transport.End;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Open;
import org.apache.qpid.proton.amqp.transport.Role;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;

/**
 * Valid client byte streams, frame by frame, for the fuzzers to mutate: a producer (open, begin, attach to a queue,
 * transfers of a message with header, annotations, properties, application properties and body, detach, end,
 * close), a consumer (attach, flow, disposition), and the anonymous relay. Each stream is a list of chunks: the
 * 8-byte protocol headers and whole frames, so mutations can aim at one frame. Streams start with the bare AMQP
 * header (anonymous access) or with the SASL header and an ANONYMOUS sasl-init.
 */
public final class FrameCorpus {

    static final byte[] AMQP_HEADER = {'A', 'M', 'Q', 'P', 0, 1, 0, 0};
    static final byte[] SASL_HEADER = {'A', 'M', 'Q', 'P', 3, 1, 0, 0};
    private static final byte AMQP_FRAME = 0;
    private static final byte SASL_FRAME = 1;

    private final DecoderImpl decoder = new DecoderImpl();
    private final EncoderImpl encoder = new EncoderImpl(decoder);
    private final List<List<byte[]>> streams = new ArrayList<>();

    public FrameCorpus() {
        AMQPDefinedTypes.registerAllTypes(decoder, encoder);
        streams.add(producer(false, "/queues/fuzz", 1));
        streams.add(producer(true, "/queues/fuzz-sasl", 1));
        streams.add(producer(false, "/exchanges/amq.fanout", 3));
        streams.add(producer(false, null, 2));
        streams.add(consumer("/queues/fuzz"));
    }

    /** The valid streams. */
    public List<List<byte[]>> streams() {
        return streams;
    }

    /** An encoded message: the sections a real client sends, {@code to} set for the relay. */
    public byte[] message(String to) {
        Header header = new Header();
        header.setDurable(true);
        Properties properties = new Properties();
        properties.setMessageId("id-1");
        properties.setTo(to);
        properties.setSubject("fuzz");
        properties.setContentType(Symbol.valueOf("text/plain"));
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        encoder.setByteBuffer(buffer);
        encoder.writeObject(header);
        encoder.writeObject(new MessageAnnotations(Map.of(Symbol.valueOf("x-opt-jms-dest"), (byte) 0)));
        encoder.writeObject(properties);
        encoder.writeObject(new ApplicationProperties(Map.of("k", "v", "n", 42L, "list", List.of(1, 2, 3))));
        encoder.writeObject(new AmqpValue(Map.of("body", List.of("a", 1L, new Binary(new byte[] {1, 2})))));
        buffer.flip();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private List<byte[]> opening(boolean sasl) {
        List<byte[]> chunks = new ArrayList<>();
        if (sasl) {
            chunks.add(SASL_HEADER.clone());
            SaslInit init = new SaslInit();
            init.setMechanism(Symbol.valueOf("ANONYMOUS"));
            init.setInitialResponse(new Binary(new byte[0]));
            chunks.add(frame(SASL_FRAME, 0, init, null));
        }
        chunks.add(AMQP_HEADER.clone());
        Open open = new Open();
        open.setContainerId("fuzzer");
        open.setHostname("vhost:/");
        open.setMaxFrameSize(UnsignedInteger.valueOf(65536));
        chunks.add(frame(AMQP_FRAME, 0, open, null));
        Begin begin = new Begin();
        begin.setNextOutgoingId(UnsignedInteger.ZERO);
        begin.setIncomingWindow(UnsignedInteger.valueOf(2048));
        begin.setOutgoingWindow(UnsignedInteger.valueOf(2048));
        chunks.add(frame(AMQP_FRAME, 0, begin, null));
        return chunks;
    }

    private List<byte[]> producer(boolean sasl, String address, int messages) {
        List<byte[]> chunks = opening(sasl);
        Attach attach = new Attach();
        attach.setName("fuzz-sender");
        attach.setHandle(UnsignedInteger.ZERO);
        attach.setRole(Role.SENDER);
        attach.setSource(new Source());
        Target target = new Target();
        target.setAddress(address);
        attach.setTarget(address == null ? null : target);
        attach.setInitialDeliveryCount(UnsignedInteger.ZERO);
        chunks.add(frame(AMQP_FRAME, 0, attach, null));
        for (int i = 0; i < messages; i++) {
            Transfer transfer = new Transfer();
            transfer.setHandle(UnsignedInteger.ZERO);
            transfer.setDeliveryId(UnsignedInteger.valueOf(i));
            transfer.setDeliveryTag(new Binary(new byte[] {(byte) i}));
            transfer.setMessageFormat(UnsignedInteger.ZERO);
            chunks.add(frame(AMQP_FRAME, 0, transfer, message(address == null ? "/queues/fuzz" : null)));
        }
        Detach detach = new Detach();
        detach.setHandle(UnsignedInteger.ZERO);
        detach.setClosed(true);
        chunks.add(frame(AMQP_FRAME, 0, detach, null));
        chunks.add(frame(AMQP_FRAME, 0, new End(), null));
        chunks.add(frame(AMQP_FRAME, 0, new Close(), null));
        return chunks;
    }

    private List<byte[]> consumer(String address) {
        List<byte[]> chunks = opening(false);
        Attach attach = new Attach();
        attach.setName("fuzz-receiver");
        attach.setHandle(UnsignedInteger.ZERO);
        attach.setRole(Role.RECEIVER);
        Source source = new Source();
        source.setAddress(address);
        attach.setSource(source);
        attach.setTarget(new Target());
        chunks.add(frame(AMQP_FRAME, 0, attach, null));
        Flow flow = new Flow();
        flow.setHandle(UnsignedInteger.ZERO);
        flow.setNextIncomingId(UnsignedInteger.ZERO);
        flow.setIncomingWindow(UnsignedInteger.valueOf(2048));
        flow.setNextOutgoingId(UnsignedInteger.ZERO);
        flow.setOutgoingWindow(UnsignedInteger.valueOf(2048));
        flow.setDeliveryCount(UnsignedInteger.ZERO);
        flow.setLinkCredit(UnsignedInteger.valueOf(10));
        chunks.add(frame(AMQP_FRAME, 0, flow, null));
        Disposition disposition = new Disposition();
        disposition.setRole(Role.RECEIVER);
        disposition.setFirst(UnsignedInteger.ZERO);
        disposition.setLast(UnsignedInteger.valueOf(5));
        disposition.setSettled(true);
        disposition.setState(Accepted.getInstance());
        chunks.add(frame(AMQP_FRAME, 0, disposition, null));
        chunks.add(frame(AMQP_FRAME, 0, new Close(), null));
        return chunks;
    }

    /** size(4) doff(1)=2 type(1) channel(2), then the performative and the payload. */
    private byte[] frame(byte type, int channel, Object performative, byte[] payload) {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        buffer.position(8);
        encoder.setByteBuffer(buffer);
        encoder.writeObject(performative);
        if (payload != null) {
            buffer.put(payload);
        }
        int size = buffer.position();
        buffer.putInt(0, size).put(4, (byte) 2).put(5, type).putShort(6, (short) channel);
        byte[] bytes = new byte[size];
        buffer.flip();
        buffer.get(bytes);
        return bytes;
    }
}
