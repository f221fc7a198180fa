package io.wharf.amqp.engine;

import io.wharf.plugin.admin.BrokerAdmin;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open client connections, by id, for management: a connection adds itself once open and removes itself when it
 * goes. Snapshots and closes are run on each connection's own loop.
 */
public final class Connections {

    private final ConcurrentHashMap<String, AmqpConnectionHandler> open = new ConcurrentHashMap<>();

    void add(String id, AmqpConnectionHandler connection) {
        open.put(id, connection);
    }

    void remove(String id) {
        open.remove(id);
    }

    public int count() {
        return open.size();
    }

    /** A snapshot of every open connection with its sessions and links. */
    public CompletableFuture<List<BrokerAdmin.ConnectionInfo>> snapshot() {
        Collection<AmqpConnectionHandler> all = List.copyOf(open.values());
        List<CompletableFuture<BrokerAdmin.ConnectionInfo>> parts = new ArrayList<>();
        for (AmqpConnectionHandler connection : all) {
            parts.add(ConnectionSnapshots.of(connection));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<BrokerAdmin.ConnectionInfo> list = new ArrayList<>();
            for (CompletableFuture<BrokerAdmin.ConnectionInfo> part : parts) {
                BrokerAdmin.ConnectionInfo info = part.join();
                if (info != null) {
                    list.add(info);
                }
            }
            return list;
        });
    }

    /** Closes a connection with amqp:connection:forced; false when there is none of that id. */
    public boolean close(String id, String reason) {
        AmqpConnectionHandler connection = open.get(id);
        if (connection == null) {
            return false;
        }
        connection.closeForced(reason);
        return true;
    }

    /** Closes every connection logged in as {@code user} with amqp:connection:forced; returns how many. */
    public int closeUser(String user, String reason) {
        return closeWhere(connection -> user.equals(connection.user()), reason);
    }

    /** Closes every connection to vhost {@code vhost} with amqp:connection:forced; returns how many. */
    public int closeVhost(String vhost, String reason) {
        return closeWhere(connection -> vhost.equals(connection.vhostName()), reason);
    }

    private int closeWhere(java.util.function.Predicate<AmqpConnectionHandler> which, String reason) {
        int closed = 0;
        for (AmqpConnectionHandler connection : open.values()) {
            if (which.test(connection)) {
                connection.closeForced(reason);
                closed++;
            }
        }
        return closed;
    }
}
