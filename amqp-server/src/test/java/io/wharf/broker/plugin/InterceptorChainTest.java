package io.wharf.broker.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.plugin.ConnectionInfo;
import io.wharf.plugin.MessageInterceptor;
import io.wharf.plugin.MessageInterceptor.Publish;
import io.wharf.plugin.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class InterceptorChainTest {

    private static final ConnectionInfo CONNECTION = new ConnectionInfo("c1", "127.0.0.1:1", "alice", "/", "x");
    private static final Publish PUBLISH = new Publish(CONNECTION, "/queues/q", null, false);

    private final InterceptorChain chain = new InterceptorChain();

    @Test
    void emptyChainIsInactiveAndPasses() {
        assertFalse(chain.active());
        assertSame(Verdict.PASS, chain.publish(PUBLISH));
    }

    @Test
    void interceptorsRunInOrderAndTheFirstRejectionWins() {
        List<String> calls = new ArrayList<>();
        PluginGuard guard = new PluginGuard("p", 10, () -> { });
        chain.add("a", guard, interceptor(() -> {
            calls.add("a");
            return Verdict.PASS;
        }));
        chain.add("b", guard, interceptor(() -> {
            calls.add("b");
            return Verdict.reject("amqp:precondition-failed", "no");
        }));
        chain.add("c", guard, interceptor(() -> {
            calls.add("c");
            return Verdict.PASS;
        }));
        Verdict verdict = chain.publish(PUBLISH);
        assertTrue(verdict.rejected());
        assertEquals("amqp:precondition-failed", verdict.condition());
        assertEquals(List.of("a", "b"), calls);
    }

    @Test
    void throwingInterceptorPassesAndIsRemovedWithItsPluginAtTheLimit() {
        AtomicInteger disabled = new AtomicInteger();
        Object faulty = new Object();
        PluginGuard guard = new PluginGuard("faulty", 3, () -> {
            disabled.incrementAndGet();
            chain.removeAll(faulty);
        });
        chain.add(faulty, guard, interceptor(() -> {
            throw new IllegalStateException("on purpose");
        }));
        PluginGuard fine = new PluginGuard("fine", 3, () -> { });
        AtomicInteger seen = new AtomicInteger();
        chain.add("fine", fine, interceptor(() -> {
            seen.incrementAndGet();
            return Verdict.PASS;
        }));
        for (int i = 0; i < 5; i++) {
            assertSame(Verdict.PASS, chain.publish(PUBLISH));
        }
        assertEquals(1, disabled.get(), "disabled once");
        assertEquals(3, guard.failures());
        assertTrue(guard.disabled());
        assertEquals(5, seen.get(), "the other plugin saw every message");
        assertTrue(chain.active());
        chain.removeAll("fine");
        assertFalse(chain.active());
    }

    private interface OnPublish {
        Verdict call();
    }

    private static MessageInterceptor interceptor(OnPublish onPublish) {
        return new MessageInterceptor() {
            @Override
            public Verdict onPublish(Publish publish) {
                return onPublish.call();
            }
        };
    }
}
