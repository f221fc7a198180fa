package io.wharf.amqp.engine;

import io.wharf.amqp.stats.MessageCounters;
import io.wharf.plugin.ConnectionInfo;
import io.wharf.plugin.admin.BrokerAdmin;
import io.wharf.plugin.admin.MessageStats;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;

/** Reads a connection's sessions and links for management, on the connection's own loop. */
final class ConnectionSnapshots {

    private static final EnumSet<EndpointState> ACTIVE = EnumSet.of(EndpointState.ACTIVE);
    private static final EnumSet<EndpointState> ANY = EnumSet.allOf(EndpointState.class);

    private ConnectionSnapshots() {
    }

    /** Completes with null when the connection closed meanwhile. */
    static CompletableFuture<BrokerAdmin.ConnectionInfo> of(AmqpConnectionHandler handler) {
        CompletableFuture<BrokerAdmin.ConnectionInfo> result = new CompletableFuture<>();
        try {
            handler.runOnLoop(() -> {
                try {
                    result.complete(read(handler));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            result.complete(null);
        }
        // A loop that is shutting down may drop the task: never leave the caller waiting.
        return result.completeOnTimeout(null, 5, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static BrokerAdmin.ConnectionInfo read(AmqpConnectionHandler handler) {
        ConnectionInfo info = handler.info();
        Connection connection = handler.protonConnection();
        if (info == null || connection == null || handler.closing()) {
            return null;
        }
        List<Session> sessions = new ArrayList<>();
        for (Session s = connection.sessionHead(ACTIVE, ANY); s != null; s = s.next(ACTIVE, ANY)) {
            sessions.add(s);
        }
        int[] linksPerSession = new int[sessions.size()];
        List<BrokerAdmin.LinkInfo> links = new ArrayList<>();
        for (Link link = connection.linkHead(ACTIVE, ANY); link != null; link = link.next(ACTIVE, ANY)) {
            int session = sessions.indexOf(link.getSession());
            if (session >= 0) {
                linksPerSession[session]++;
            }
            boolean sender = link instanceof Sender;
            String address = sender
                    ? (link.getSource() instanceof Source source ? source.getAddress() : null)
                    : (link.getTarget() instanceof Target target ? target.getAddress() : null);
            MessageCounters counters = link.getContext() instanceof ConsumerLink c ? c.counters()
                    : link.getContext() instanceof ProducerLink p ? p.counters() : null;
            links.add(new BrokerAdmin.LinkInfo(link.getName(), sender ? "sender" : "receiver", address, session,
                    link.getCredit(), link.getUnsettled(),
                    counters == null ? MessageStats.NONE : counters.stats()));
        }
        List<BrokerAdmin.SessionInfo> sessionInfos = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            sessionInfos.add(new BrokerAdmin.SessionInfo(i, linksPerSession[i]));
        }
        return new BrokerAdmin.ConnectionInfo(info.id(), info.user(), info.vhost(), info.remoteAddress(),
                info.containerId(), handler.connectedAtMs(), sessionInfos, links, handler.counters().stats());
    }
}
