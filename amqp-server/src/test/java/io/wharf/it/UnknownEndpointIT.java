package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames naming a session or link that does not exist (AMQP 1.0 sections 2.7.x, 2.8.17). proton-j would ignore the
 * first kind and fail with a NullPointerException on the second; the broker answers each with a named error and
 * keeps the rest of the connection, or at least every other connection, working.
 */
class UnknownEndpointIT {

    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    private RunningBroker broker;
    private ScriptedPeer peer;

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.start(dataDir, "");
        peer = ScriptedPeer.connect(broker.port()).open(0);
        peer.awaitRemoteOpen(ANSWER_WITHIN);
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

    @Test
    void flowForAHandleNoLinkHasEndsOnlyThatSession() {
        Session doomed = openSession();
        Session bystander = openSession();
        peer.sendRaw(frame(0, flow(5)));
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
        peer.sendRaw(frame(7, flow(0)));
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

    private static Flow flow(int handle) {
        Flow flow = new Flow();
        flow.setIncomingWindow(UnsignedInteger.valueOf(2048));
        flow.setNextOutgoingId(UnsignedInteger.ONE);
        flow.setOutgoingWindow(UnsignedInteger.valueOf(2048));
        flow.setHandle(UnsignedInteger.valueOf(handle));
        flow.setDeliveryCount(UnsignedInteger.ZERO);
        flow.setLinkCredit(UnsignedInteger.valueOf(10));
        return flow;
    }

    /** One AMQP frame (doff 2, type 0) on {@code channel} holding {@code performative}. */
    static byte[] frame(int channel, Object performative) {
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
