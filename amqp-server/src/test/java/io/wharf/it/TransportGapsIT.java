package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.impl.ProtocolTracer;
import org.apache.qpid.proton.engine.impl.TransportImpl;
import org.apache.qpid.proton.framing.TransportFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where proton-j 0.34 falls short and Wharf's transport fills in, tested with hand-written frames (a
 * {@link ScriptedPeer} writing raw bytes after its own attach) while watching the frames the broker sends.
 *
 * <ul>
 *   <li>AMQP 1.0 section 2.7.4: a flow with {@code echo=true} asks the partner to send its own flow state back;
 *       proton-j drops the flag.</li>
 *   <li>Frames naming a session or link that does not exist (section 2.8.17): proton-j ignores the first kind and
 *       fails with a NullPointerException on the second; the broker answers each with a named error and keeps the
 *       rest of the connection working.</li>
 * </ul>
 */
class TransportGapsIT {

    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    private RunningBroker broker;
    private ScriptedPeer peer;
    private final List<Flow> flowsReceived = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.start(dataDir, "");
        peer = ScriptedPeer.connect(broker.port());
        ((TransportImpl) peer.transport()).setProtocolTracer(new ProtocolTracer() {
            @Override
            public void receivedFrame(TransportFrame frame) {
                if (frame.getBody() instanceof Flow flow) {
                    flowsReceived.add(copy(flow));
                }
            }

            @Override
            public void sentFrame(TransportFrame frame) {
            }
        });
        peer.open(0).awaitRemoteOpen(ANSWER_WITHIN);
    }

    @AfterEach
    void stop() throws Exception {
        if (peer != null) {
            peer.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** The broker as sender: it answers with the credit and delivery-count it holds for the consumer's link. */
    @Test
    void consumerLinkEchoReportsTheBrokersCreditAndDeliveryCount() {
        Session session = openSession();
        Receiver receiver = session.receiver("echo-consumer");
        Source source = new Source();
        source.setAddress("echo-consumer-q");
        receiver.setSource(source);
        receiver.setTarget(new Target());
        receiver.open();
        peer.pumpUntil(ANSWER_WITHIN, false, () -> receiver.getRemoteState() == EndpointState.ACTIVE);
        assertTrue(linkFlows().isEmpty(), "a sender sends no flow unasked: " + linkFlows());

        // Grant 7 credits and ask for the echo, from the client's (handle 0) point of view.
        peer.sendRaw(frame(0, linkFlow(0, 0, 7, true)));
        peer.pumpUntil(ANSWER_WITHIN, false, () -> !linkFlows().isEmpty());

        Flow echo = linkFlows().get(0);
        assertEquals(UnsignedInteger.valueOf(7), echo.getLinkCredit(), "the credit the broker now holds");
        assertEquals(UnsignedInteger.ZERO, echo.getDeliveryCount());
        assertEquals(Boolean.FALSE, echo.getDrain());
        assertNotNull(echo.getNextOutgoingId());
        assertNotNull(echo.getIncomingWindow());
        assertNotNull(echo.getOutgoingWindow());
        assertEquals(1, linkFlows().size(), "one echo, one answer");
    }

    /** The broker as receiver: it answers with the credit it has granted the producer. */
    @Test
    void producerLinkEchoReportsTheGrantedCredit() {
        Session session = openSession();
        Sender sender = session.sender("echo-producer");
        Target target = new Target();
        target.setAddress("echo-producer-q");
        sender.setTarget(target);
        sender.setSource(new Source());
        sender.open();
        peer.pumpUntil(ANSWER_WITHIN, false, () -> sender.getRemoteState() == EndpointState.ACTIVE
                && sender.getCredit() > 0);
        int granted = sender.getCredit();
        int flowsBefore = linkFlows().size();

        peer.sendRaw(frame(0, linkFlow(0, 0, 0, true)));
        peer.pumpUntil(ANSWER_WITHIN, false, () -> linkFlows().size() > flowsBefore);

        Flow echo = linkFlows().get(linkFlows().size() - 1);
        assertEquals(UnsignedInteger.valueOf(granted), echo.getLinkCredit());
        assertEquals(UnsignedInteger.ZERO, echo.getDeliveryCount());
    }

    /** A session-level echo (no handle) gets the session's flow state, with no link fields. */
    @Test
    void sessionEchoReportsTheSessionWindows() {
        openSession();
        int before = flowsReceived.size();
        Flow flow = new Flow();
        flow.setIncomingWindow(UnsignedInteger.valueOf(2048));
        flow.setNextOutgoingId(UnsignedInteger.ONE);
        flow.setOutgoingWindow(UnsignedInteger.valueOf(2048));
        flow.setEcho(true);
        peer.sendRaw(frame(0, flow));
        peer.pumpUntil(ANSWER_WITHIN, false, () -> flowsReceived.size() > before);

        Flow echo = flowsReceived.get(flowsReceived.size() - 1);
        assertNull(echo.getHandle());
        assertNull(echo.getLinkCredit());
        assertNotNull(echo.getIncomingWindow());
        assertNotNull(echo.getNextOutgoingId());
    }

    @Test
    void flowForAHandleNoLinkHasEndsOnlyThatSession() {
        Session doomed = openSession();
        Session bystander = openSession();
        peer.sendRaw(frame(0, linkFlow(5, 0, 10, false)));
        peer.pumpUntil(ANSWER_WITHIN, false, () -> doomed.getRemoteState() == EndpointState.CLOSED);
        assertNotNull(doomed.getRemoteCondition());
        assertEquals(Symbol.valueOf("amqp:session:unattached-handle"), doomed.getRemoteCondition().getCondition());
        assertTrue(doomed.getRemoteCondition().getDescription().contains("handle 5"),
                doomed.getRemoteCondition().getDescription());

        // The connection and its other session carry on: a new session opens too.
        assertEquals(EndpointState.ACTIVE, bystander.getRemoteState());
        assertEquals(EndpointState.ACTIVE, peer.connection().getRemoteState());
        Session another = openSession();
        assertEquals(EndpointState.ACTIVE, another.getRemoteState());
    }

    @Test
    void transferForAHandleNoLinkHasEndsTheSession() {
        Session doomed = openSession();
        Transfer transfer = new Transfer();
        transfer.setHandle(UnsignedInteger.valueOf(9));
        transfer.setDeliveryId(UnsignedInteger.ZERO);
        transfer.setDeliveryTag(new Binary(new byte[] {1}));
        peer.sendRaw(frame(0, transfer));
        peer.pumpUntil(ANSWER_WITHIN, false, () -> doomed.getRemoteState() == EndpointState.CLOSED);
        assertEquals(Symbol.valueOf("amqp:session:unattached-handle"), doomed.getRemoteCondition().getCondition());
        assertEquals(EndpointState.ACTIVE, peer.connection().getRemoteState());
    }

    @Test
    void frameOnAChannelWithoutASessionClosesTheConnectionWithANamedError() {
        openSession();
        peer.sendRaw(frame(7, linkFlow(0, 0, 10, false)));
        ScriptedPeer.Ending ending = peer.awaitEndOfStream(ANSWER_WITHIN);
        assertTrue(ending.closeFrameReceived(), "socket closed without a close frame");
        assertEquals(Symbol.valueOf("amqp:decode-error"), ending.condition().getCondition());
        assertTrue(ending.condition().getDescription().contains("channel 7"), ending.condition().getDescription());
    }

    private Session openSession() {
        Session session = peer.connection().session();
        session.open();
        peer.pumpUntil(ANSWER_WITHIN, false, () -> session.getRemoteState() == EndpointState.ACTIVE);
        return session;
    }

    private List<Flow> linkFlows() {
        return flowsReceived.stream().filter(f -> f.getHandle() != null).toList();
    }

    private static Flow linkFlow(int handle, int deliveryCount, int credit, boolean echo) {
        Flow flow = new Flow();
        flow.setIncomingWindow(UnsignedInteger.valueOf(2048));
        flow.setNextOutgoingId(UnsignedInteger.ONE);
        flow.setOutgoingWindow(UnsignedInteger.valueOf(2048));
        flow.setHandle(UnsignedInteger.valueOf(handle));
        flow.setDeliveryCount(UnsignedInteger.valueOf(deliveryCount));
        flow.setLinkCredit(UnsignedInteger.valueOf(credit));
        flow.setEcho(echo);
        return flow;
    }

    private static Flow copy(Flow flow) {
        Flow copy = new Flow();
        copy.setNextIncomingId(flow.getNextIncomingId());
        copy.setIncomingWindow(flow.getIncomingWindow());
        copy.setNextOutgoingId(flow.getNextOutgoingId());
        copy.setOutgoingWindow(flow.getOutgoingWindow());
        copy.setHandle(flow.getHandle());
        copy.setDeliveryCount(flow.getDeliveryCount());
        copy.setLinkCredit(flow.getLinkCredit());
        copy.setAvailable(flow.getAvailable());
        copy.setDrain(flow.getDrain());
        copy.setEcho(flow.getEcho());
        return copy;
    }

    /** One AMQP frame (doff 2, type 0) on {@code channel} holding {@code performative}. */
    private static byte[] frame(int channel, Object performative) {
        DecoderImpl decoder = new DecoderImpl();
        EncoderImpl encoder = new EncoderImpl(decoder);
        AMQPDefinedTypes.registerAllTypes(decoder, encoder);
        ByteBuffer body = ByteBuffer.allocate(512);
        encoder.setByteBuffer(body);
        encoder.writeObject(performative);
        body.flip();
        ByteBuffer frame = ByteBuffer.allocate(8 + body.remaining());
        frame.putInt(8 + body.remaining()).put((byte) 2).put((byte) 0).putShort((short) channel).put(body);
        return frame.array();
    }
}
