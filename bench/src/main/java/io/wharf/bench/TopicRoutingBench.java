package io.wharf.bench;

import io.wharf.exchange.Exchange;
import io.wharf.exchange.MessageHeaders;
import io.wharf.exchange.RoutedQueues;
import io.wharf.exchange.Topology;
import io.wharf.exchange.TopologyStore;
import io.wharf.store.meta.BindingDefinition;
import io.wharf.store.meta.BindingDefinition.DestinationKind;
import io.wharf.store.meta.ExchangeDefinition;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueRegistry;
import io.wharf.store.queue.QueueStorage;
import io.wharf.store.queue.QueueThreads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Topic routing speed: one topic exchange with N bindings (default 10,000) from 1,000 queues, routing keys drawn at
 * random from the same vocabulary, routed on one thread through {@link Topology#route} (the event loop's path: trie
 * match, deduplication, no locks, no disk). Reports routes per second and how many queues a route reached.
 *
 * <pre>
 * ./mvnw -q -B install -DskipTests
 * java -cp bench/target/wharf-bench.jar io.wharf.bench.TopicRoutingBench [bindings=10000] [seconds=10] [warmup=5]
 * </pre>
 *
 * Binding keys are {@code <region>.<market>.<sector>.<symbol>} over 5 regions, 10 markets, 20 sectors and 200
 * symbols: 70% exact, 20% with one {@code *}, 10% ending in {@code #} after two or three words. Routing keys are
 * four words from the same vocabulary (a quarter of them with a symbol nobody bound exactly).
 */
public final class TopicRoutingBench {

    private static final int QUEUES = 1_000;
    private static final int KEYS = 1 << 16;

    public static void main(String[] args) throws Exception {
        int bindings = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Random random = new Random(7);

        QueueThreads threads = new QueueThreads(1);
        QueueRegistry queues = new QueueRegistry(threads, QueueStorage.MEMORY);
        Topology topology = new Topology("/", queues, TopologyStore.inMemory(), false);
        topology.declareExchange(new ExchangeDefinition("/", "market", "topic", false, false, false, Map.of())).get();
        for (int q = 0; q < QUEUES; q++) {
            queues.declare(new QueueDefinition("/", "q" + q, "classic", false, false, false, Map.of()));
        }
        List<CompletableFuture<Boolean>> binds = new ArrayList<>();
        for (int i = 0; i < bindings; i++) {
            binds.add(topology.bind(new BindingDefinition("/", "market", DestinationKind.QUEUE,
                    "q" + random.nextInt(QUEUES), pattern(random), Map.of())));
        }
        CompletableFuture.allOf(binds.toArray(CompletableFuture[]::new)).get();
        Exchange exchange = topology.exchange("market");
        System.out.printf("topic exchange with %,d bindings (%,d distinct) to %,d queues%n", bindings,
                exchange.bindingCount(), QUEUES);

        String[] keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = routingKey(random);
        }
        RoutedQueues out = new RoutedQueues();
        run(topology, exchange, keys, out, warmup, "warm-up");
        run(topology, exchange, keys, out, seconds, "measured");
        queues.closeAll().join();
        threads.close();
        System.exit(0);
    }

    private static void run(Topology topology, Exchange exchange, String[] keys, RoutedQueues out, int seconds,
            String label) {
        long routes = 0;
        long matched = 0;
        long unroutable = 0;
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        long now = start;
        while (now < deadline) {
            for (int i = 0; i < 4096; i++) {
                out.clear();
                topology.route(exchange, keys[(int) (routes & (KEYS - 1))], MessageHeaders.NONE, out);
                matched += out.size();
                if (out.isEmpty()) {
                    unroutable++;
                }
                routes++;
            }
            now = System.nanoTime();
        }
        double elapsed = (now - start) / 1e9;
        System.out.printf("%s: %,d routes in %.1f s = %,.0f routes/s on one thread; %.2f queues per route, "
                + "%.1f%% unroutable%n", label, routes, elapsed, routes / elapsed, (double) matched / routes,
                100.0 * unroutable / routes);
    }

    private static final String[] REGIONS = words("region", 5);
    private static final String[] MARKETS = words("market", 10);
    private static final String[] SECTORS = words("sector", 20);
    private static final String[] SYMBOLS = words("sym", 200);

    private static String[] words(String prefix, int n) {
        String[] words = new String[n];
        for (int i = 0; i < n; i++) {
            words[i] = prefix + i;
        }
        return words;
    }

    private static String pick(Random random, String[] words) {
        return words[random.nextInt(words.length)];
    }

    private static String pattern(Random random) {
        String[] w = {pick(random, REGIONS), pick(random, MARKETS), pick(random, SECTORS), pick(random, SYMBOLS)};
        int kind = random.nextInt(10);
        if (kind < 7) {
            return String.join(".", w);
        }
        if (kind < 9) {
            w[random.nextInt(4)] = "*";
            return String.join(".", w);
        }
        int keep = 2 + random.nextInt(2);
        return String.join(".", Arrays.copyOf(w, keep)) + ".#";
    }

    private static String routingKey(Random random) {
        String symbol = random.nextInt(4) == 0 ? "unbound" + random.nextInt(100) : pick(random, SYMBOLS);
        return pick(random, REGIONS) + "." + pick(random, MARKETS) + "." + pick(random, SECTORS) + "." + symbol;
    }
}
