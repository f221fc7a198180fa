package io.wharf.broker.plugin;

import io.wharf.plugin.MessageInterceptor;
import io.wharf.plugin.MessageInterceptor.Deliver;
import io.wharf.plugin.MessageInterceptor.Publish;
import io.wharf.plugin.MessageInterceptor.Route;
import io.wharf.plugin.MessageInterceptor.Settle;
import io.wharf.plugin.Verdict;
import java.util.Arrays;

/**
 * The registered {@link MessageInterceptor}s, called in registration order, inline on the caller's thread (see the
 * interface for why and for the contract). Each call is guarded: an interceptor that throws is counted against its
 * plugin and the message goes on; a slow one is counted too.
 *
 * <p>The array is replaced on change, never changed in place, so {@link #active()} is one volatile read and the
 * callers build no event while it is false.
 */
public final class InterceptorChain {

    private record Entry(Object owner, PluginGuard guard, MessageInterceptor interceptor) {
    }

    private static final Entry[] NONE = new Entry[0];

    private volatile Entry[] entries = NONE;

    /** Whether any interceptor is registered: callers skip building events when not. */
    public boolean active() {
        return entries.length != 0;
    }

    synchronized void add(Object owner, PluginGuard guard, MessageInterceptor interceptor) {
        Entry[] current = entries;
        Entry[] more = Arrays.copyOf(current, current.length + 1);
        more[current.length] = new Entry(owner, guard, interceptor);
        entries = more;
    }

    synchronized void removeAll(Object owner) {
        entries = Arrays.stream(entries).filter(e -> e.owner() != owner).toArray(Entry[]::new);
    }

    /** The first rejection, or {@link Verdict#PASS}. */
    public Verdict publish(Publish publish) {
        for (Entry e : entries) {
            long start = System.nanoTime();
            try {
                Verdict verdict = e.interceptor().onPublish(publish);
                if (verdict != null && verdict.rejected()) {
                    return verdict;
                }
            } catch (RuntimeException | LinkageError failure) {
                e.guard().failed("interceptor " + e.interceptor().getClass().getName() + ".onPublish", failure);
            } finally {
                e.guard().timed("interceptor onPublish", start);
            }
        }
        return Verdict.PASS;
    }

    public void route(Route route) {
        for (Entry e : entries) {
            long start = System.nanoTime();
            try {
                e.interceptor().onRoute(route);
            } catch (RuntimeException | LinkageError failure) {
                e.guard().failed("interceptor " + e.interceptor().getClass().getName() + ".onRoute", failure);
            } finally {
                e.guard().timed("interceptor onRoute", start);
            }
        }
    }

    public void deliver(Deliver deliver) {
        for (Entry e : entries) {
            long start = System.nanoTime();
            try {
                e.interceptor().onDeliver(deliver);
            } catch (RuntimeException | LinkageError failure) {
                e.guard().failed("interceptor " + e.interceptor().getClass().getName() + ".onDeliver", failure);
            } finally {
                e.guard().timed("interceptor onDeliver", start);
            }
        }
    }

    public void settle(Settle settle) {
        for (Entry e : entries) {
            long start = System.nanoTime();
            try {
                e.interceptor().onSettle(settle);
            } catch (RuntimeException | LinkageError failure) {
                e.guard().failed("interceptor " + e.interceptor().getClass().getName() + ".onSettle", failure);
            } finally {
                e.guard().timed("interceptor onSettle", start);
            }
        }
    }
}
