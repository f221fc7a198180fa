package org.apache.qpid.proton.engine.impl;

import java.lang.reflect.Field;
import java.util.EnumSet;
import java.util.Map;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.Close;
import org.apache.qpid.proton.amqp.transport.Detach;
import org.apache.qpid.proton.amqp.transport.EmptyFrame;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.FrameBody;
import org.apache.qpid.proton.amqp.transport.Open;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.codec.DecodeException;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.framing.TransportFrame;

/**
 * proton-j's transport with two gaps of proton-j 0.34 filled. It lives in proton-j's engine package because the
 * session and link state it needs is package-private there.
 *
 * <ul>
 *   <li>Echo: proton-j reads a flow's {@code echo} flag and drops it. This transport lets the flow be handled as
 *       usual, then writes this side's flow state for the same session (and link, when the flow names one) through
 *       proton-j's own frame writer, so the answer is ordered with everything else the transport sends.</li>
 *   <li>Frames naming what does not exist: proton-j ignores a session frame on a channel with no session, and fails
 *       with a NullPointerException on a flow, transfer or detach naming a handle no link has. Here a frame on a
 *       channel without a session is a connection error ({@code amqp:decode-error}, the frame named), and an
 *       unknown handle ends its session with {@code amqp:session:unattached-handle} (AMQP 1.0 section 2.8.17)
 *       while the connection and its other sessions carry on.</li>
 * </ul>
 *
 * <p>Used like any proton-j transport: only on its connection's event loop.
 */
public final class WharfTransport extends TransportImpl {

    static final Symbol UNATTACHED_HANDLE = Symbol.valueOf("amqp:session:unattached-handle");

    private static final EnumSet<EndpointState> ACTIVE = EnumSet.of(EndpointState.ACTIVE);
    private static final EnumSet<EndpointState> ANY = EnumSet.allOf(EndpointState.class);

    private static final Field REMOTE_SESSIONS;

    static {
        try {
            REMOTE_SESSIONS = TransportImpl.class.getDeclaredField("_remoteSessions");
            REMOTE_SESSIONS.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("proton-j's TransportImpl has no _remoteSessions: " + e);
        }
    }

    private final Map<Integer, TransportSession> remoteSessions;
    private long echoesAnswered;

    @SuppressWarnings("unchecked")
    public WharfTransport() {
        try {
            remoteSessions = (Map<Integer, TransportSession>) REMOTE_SESSIONS.get(this);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean handleFrame(TransportFrame frame) {
        FrameBody body = frame.getBody();
        if (!(body instanceof Open || body instanceof Begin || body instanceof Close) && !isHeartbeat(body)) {
            TransportSession session = remoteSessions.get(frame.getChannel());
            if (session == null) {
                throw new DecodeException(name(body) + " on channel " + frame.getChannel()
                        + ", which has no session (no begin received on it)");
            }
            UnsignedInteger handle = handleOf(body);
            if (handle != null && !(body instanceof Attach) && session.getLinkFromRemoteHandle(handle) == null) {
                endSession(session, name(body) + " for handle " + handle + ", which no attached link has");
                return false;
            }
        }
        boolean closeReceived = super.handleFrame(frame);
        if (frame.getBody() instanceof Flow flow && Boolean.TRUE.equals(flow.getEcho())) {
            if (answer(frame.getChannel(), flow.getHandle())) {
                echoesAnswered++;
            }
        }
        return closeReceived;
    }

    private static boolean isHeartbeat(FrameBody body) {
        return body == null || body instanceof EmptyFrame;
    }

    private static UnsignedInteger handleOf(FrameBody body) {
        if (body instanceof Flow flow) {
            return flow.getHandle();
        }
        if (body instanceof Transfer transfer) {
            return transfer.getHandle();
        }
        if (body instanceof Detach detach) {
            return detach.getHandle();
        }
        return null;
    }

    private static String name(FrameBody body) {
        return body.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /** Ends the session from this side with unattached-handle; its frames are ignored until the peer's end. */
    private static void endSession(TransportSession transportSession, String description) {
        SessionImpl session = transportSession.getSession();
        if (session.getLocalState() != EndpointState.CLOSED) {
            session.setCondition(new ErrorCondition(UNATTACHED_HANDLE, description));
            session.close();
        }
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
