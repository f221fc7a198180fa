package org.apache.qpid.proton.engine.impl;

import java.util.EnumSet;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.framing.TransportFrame;

/**
 * A proton-j transport that answers a flow frame asking for {@code echo}. proton-j 0.34 reads the flag and drops
 * it; this transport lets the flow be handled as usual, then writes this side's flow state for the same session (and
 * link, when the flow names one) through proton-j's own frame writer, so the answer is ordered with everything else
 * the transport sends. It lives in proton-j's engine package because the session and link flow state (next ids,
 * windows, delivery-count, credit) is package-private there.
 *
 * <p>Used like any proton-j transport: only on its connection's event loop.
 */
public final class EchoingTransport extends TransportImpl {

    private static final EnumSet<EndpointState> ACTIVE = EnumSet.of(EndpointState.ACTIVE);
    private static final EnumSet<EndpointState> ANY = EnumSet.allOf(EndpointState.class);

    private long echoesAnswered;

    @Override
    public boolean handleFrame(TransportFrame frame) {
        boolean closeReceived = super.handleFrame(frame);
        if (frame.getBody() instanceof Flow flow && Boolean.TRUE.equals(flow.getEcho())) {
            if (answer(frame.getChannel(), flow.getHandle())) {
                echoesAnswered++;
            }
        }
        return closeReceived;
    }

    /** How many echo requests were answered (for tests and diagnostics). */
    public long echoesAnswered() {
        return echoesAnswered;
    }

    /**
     * Writes the flow state of the session on remote {@code channel}, and of its link with remote {@code handle}
     * when not null. Nothing is written for a session or link not open on this side: there is no state to report.
     */
    private boolean answer(int channel, UnsignedInteger handle) {
        ConnectionImpl connection = getConnectionImpl();
        if (connection == null) {
            return false;
        }
        for (Session s = connection.sessionHead(ACTIVE, ANY); s != null; s = s.next(ACTIVE, ANY)) {
            TransportSession session = ((SessionImpl) s).getTransportSession();
            if (session == null || !session.isRemoteChannelSet() || session.getRemoteChannel() != channel
                    || !session.isLocalChannelSet()) {
                continue;
            }
            if (handle == null) {
                writeFrame(session.getLocalChannel(), sessionFlow(session), null, null);
                return true;
            }
            for (Link l = connection.linkHead(ACTIVE, ANY); l != null; l = l.next(ACTIVE, ANY)) {
                LinkImpl link = (LinkImpl) l;
                TransportLink<?> state = link.getTransportLink();
                if (link.getSession() != s || state == null || !handle.equals(state.getRemoteHandle())
                        || !state.isLocalHandleSet() || link.detached()) {
                    continue;
                }
                Flow flow = sessionFlow(session);
                flow.setHandle(state.getLocalHandle());
                flow.setDeliveryCount(state.getDeliveryCount());
                flow.setLinkCredit(state.getLinkCredit());
                flow.setDrain(link.getDrain());
                writeFrame(session.getLocalChannel(), flow, null, null);
                return true;
            }
            return false;
        }
        return false;
    }

    private static Flow sessionFlow(TransportSession session) {
        Flow flow = new Flow();
        session.updateIncomingWindow();
        flow.setNextIncomingId(session.getNextIncomingId());
        flow.setNextOutgoingId(session.getNextOutgoingId());
        flow.setIncomingWindow(session.getIncomingWindowSize());
        flow.setOutgoingWindow(session.getOutgoingWindowSize());
        return flow;
    }
}
