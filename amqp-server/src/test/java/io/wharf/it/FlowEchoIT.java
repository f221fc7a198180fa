package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.Flow;
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
 * AMQP 1.0 section 2.7.4: a flow with {@code echo=true} asks the partner to send its own flow state back. proton-j
 * drops the flag, so these tests send the flow frame by hand (a {@link ScriptedPeer} writing raw bytes after its own
 * attach) and watch the frames the broker sends.
 */
class FlowEchoIT {

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
        peer.sendRaw(UnknownEndpointIT.frame(0, linkFlow(0, 0, 7, true)));
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

        peer.sendRaw(UnknownEndpointIT.frame(0, linkFlow(0, 0, 0, true)));
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
        peer.sendRaw(UnknownEndpointIT.frame(0, flow));
        peer.pumpUntil(ANSWER_WITHIN, false, () -> flowsReceived.size() > before);

        Flow echo = flowsReceived.get(flowsReceived.size() - 1);
        assertNull(echo.getHandle());
        assertNull(echo.getLinkCredit());
        assertNotNull(echo.getIncomingWindow());
        assertNotNull(echo.getNextOutgoingId());
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
}
