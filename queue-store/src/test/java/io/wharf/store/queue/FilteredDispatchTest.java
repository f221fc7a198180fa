package io.wharf.store.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Consumers with filters on a classic queue (in-memory log): each takes only what its filter accepts, the rest stays
 * in order for the others, and messages whose tag hash rules them out are never read.
 */
@Timeout(30)
class FilteredDispatchTest {

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private ClassicQueue queue;

    @AfterEach
    void tearDown() throws Exception {
        queue.close().get(5, TimeUnit.SECONDS);
        executor.shutdownNow();
        timer.shutdownNow();
    }

    private void open(Map<String, Object> arguments) {
        queue = new ClassicQueue(new QueueDefinition("/", "q", "classic", true, false, false, arguments),
                MemoryQueueLog::new, executor, timer, (q, payload, reason, count) -> { }, () -> { });
    }

    /** Bodies are {@code tag:text}; the tag (if any) also goes into the header's tag hash. */
    private void publish(String... bodies) throws Exception {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (String body : bodies) {
            String tag = body.contains(":") ? body.substring(0, body.indexOf(':')) : null;
            MessageHeader header = new MessageHeader(0, 0, 4, tag == null ? TagHash.NONE : TagHash.of(tag), true);
            all.add(queue.enqueue(header, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8))));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        idle();
    }

    private void idle() throws Exception {
        executor.submit(() -> { }).get(5, TimeUnit.SECONDS);
        executor.submit(() -> { }).get(5, TimeUnit.SECONDS);
    }

    /** Accepts messages tagged with one of {@code tags}; counts how many payloads it had to look at. */
    static final class TagFilter implements ConsumerFilter {
        final Set<String> tags;
        final AtomicInteger reads = new AtomicInteger();

        TagFilter(String... tags) {
            this.tags = Set.of(tags);
        }

        @Override
        public int[] tagHashes() {
            return tags.stream().mapToInt(TagHash::of).toArray();
        }

        @Override
        public boolean matches(ByteBuffer payload) {
            reads.incrementAndGet();
            String body = StandardCharsets.UTF_8.decode(payload).toString();
            int colon = body.indexOf(':');
            return colon > 0 && tags.contains(body.substring(0, colon));
        }
    }

    /** A filter without a tag constraint: the payload text ends with one of the suffixes. */
    static final class EndsWithAny implements ConsumerFilter {
        final String[] suffixes;

        EndsWithAny(String... suffixes) {
            this.suffixes = suffixes;
        }

        @Override
        public int[] tagHashes() {
            return null;
        }

        @Override
        public boolean matches(ByteBuffer payload) {
            String text = StandardCharsets.UTF_8.decode(payload).toString();
            for (String suffix : suffixes) {
                if (text.endsWith(suffix)) {
                    return true;
                }
            }
            return false;
        }
    }

    @Test
    void aFilteredConsumerTakesOnlyMatchingMessagesAndTheRestStayInOrder() throws Exception {
        open(Map.of());
        publish("blue:1", "red:2", "blue:3", "green:4", "red:5");
        ClassicQueueArgumentsTest.Recorder reds = new ClassicQueueArgumentsTest.Recorder();
        queue.addConsumer(reds, ConsumerOptions.DEFAULT.withFilter(new TagFilter("red")));
        queue.addCredit(reds, 10);
        idle();
        assertEquals(List.of("red:2", "red:5"), reds.bodies());
        ClassicQueueArgumentsTest.Recorder all = new ClassicQueueArgumentsTest.Recorder();
        queue.addConsumer(all);
        queue.addCredit(all, 10);
        idle();
        assertEquals(List.of("blue:1", "blue:3", "green:4"), all.bodies());
    }

    @Test
    void filteredAndUnfilteredConsumersOfTheSamePriorityShareTheQueue() throws Exception {
        open(Map.of());
        ClassicQueueArgumentsTest.Recorder any = new ClassicQueueArgumentsTest.Recorder();
        ClassicQueueArgumentsTest.Recorder reds = new ClassicQueueArgumentsTest.Recorder();
        queue.addConsumer(any);
        queue.addConsumer(reds, ConsumerOptions.DEFAULT.withFilter(new TagFilter("red")));
        queue.addCredit(any, 1);
        queue.addCredit(reds, 10);
        publish("blue:1", "red:2", "blue:3", "red:4");
        assertEquals(List.of("blue:1"), any.bodies());
        assertEquals(List.of("red:2", "red:4"), reds.bodies());
        queue.addCredit(any, 10);
        idle();
        assertEquals(List.of("blue:1", "blue:3"), any.bodies());
    }

    @Test
    void messagesWhoseTagHashCannotMatchAreNeverRead() throws Exception {
        open(Map.of());
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            bodies.add((i % 100 == 7 ? "rare:" : "common:") + i);
        }
        publish(bodies.toArray(String[]::new));
        TagFilter rare = new TagFilter("rare");
        ClassicQueueArgumentsTest.Recorder consumer = new ClassicQueueArgumentsTest.Recorder();
        queue.addConsumer(consumer, ConsumerOptions.DEFAULT.withFilter(rare));
        queue.addCredit(consumer, 100);
        idle();
        assertEquals(10, consumer.bodies().size());
        assertEquals(10, rare.reads.get(), "only the rare messages were read");
        assertEquals(1000, queue.messageCount());
    }

    @Test
    void aMessageJudgedAndHandedOutIsReadOnce() throws Exception {
        DispatchReadsTest.CountingLog log = new DispatchReadsTest.CountingLog();
        queue = new ClassicQueue(QueueDefinition.durableClassic("/", "q"), () -> log, executor, timer,
                (q, payload, reason, count) -> { }, () -> { });
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            bodies.add((i % 10 == 3 ? "rare:" : i % 2 == 0 ? "common:" : "") + i);
        }
        publish(bodies.toArray(String[]::new));
        TagFilter rare = new TagFilter("rare");
        ClassicQueueArgumentsTest.Recorder consumer = new ClassicQueueArgumentsTest.Recorder();
        queue.addConsumer(consumer, ConsumerOptions.DEFAULT.withFilter(rare));
        queue.addCredit(consumer, 20);
        idle();
        List<String> expected = bodies.stream().filter(b -> b.startsWith("rare:")).limit(20).toList();
        assertEquals(expected, consumer.bodies());
        List<Long> reads = readsOnQueue(log);
        assertEquals(20, reads.size(), "each taken message read once: " + reads);
        assertEquals(20, Set.copyOf(reads).size());
        // A head judged by the filtered consumer and then handed to an unfiltered one carries its own bytes.
        ClassicQueueArgumentsTest.Recorder all = new ClassicQueueArgumentsTest.Recorder();
        queue.addConsumer(all);
        queue.addCredit(all, 1000);
        queue.addCredit(consumer, 1000);
        idle();
        Set<String> seen = new HashSet<>(consumer.bodies());
        for (String body : all.bodies()) {
            assertTrue(seen.add(body), "delivered twice: " + body);
        }
        assertEquals(new HashSet<>(bodies), seen);
    }

    private List<Long> readsOnQueue(DispatchReadsTest.CountingLog log) throws Exception {
        return executor.submit(() -> List.copyOf(log.reads)).get(5, TimeUnit.SECONDS);
    }

    @Test
    void untaggedMessagesAreRuledOutByTheirHashToo() throws Exception {
        open(Map.of());
        publish("a", "b", "x:c", "d");
        TagFilter x = new TagFilter("x");
        ClassicQueueArgumentsTest.Recorder consumer = new ClassicQueueArgumentsTest.Recorder();
        queue.addConsumer(consumer, ConsumerOptions.DEFAULT.withFilter(x));
        queue.addCredit(consumer, 10);
        idle();
        assertEquals(List.of("x:c"), consumer.bodies());
        assertEquals(1, x.reads.get());
    }

    @Test
    void disjointFiltersSplitTheQueueBetweenThem() throws Exception {
        open(Map.of());
        ClassicQueueArgumentsTest.Recorder odd = new ClassicQueueArgumentsTest.Recorder();
        ClassicQueueArgumentsTest.Recorder even = new ClassicQueueArgumentsTest.Recorder();
        queue.addConsumer(odd, ConsumerOptions.DEFAULT.withFilter(new EndsWithAny("1", "3", "5", "7", "9")));
        queue.addConsumer(even, ConsumerOptions.DEFAULT.withFilter(new EndsWithAny("0", "2", "4", "6", "8")));
        queue.addCredit(odd, 3);
        queue.addCredit(even, 1000);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            bodies.add("m" + i);
        }
        publish(bodies.toArray(String[]::new));
        assertEquals(List.of("m1", "m3", "m5"), odd.bodies(), "the odd consumer ran out of credit");
        assertEquals(100, even.bodies().size());
        queue.addCredit(odd, 1000);
        idle();
        Set<String> seen = new HashSet<>(odd.bodies());
        for (String body : even.bodies()) {
            assertTrue(seen.add(body), "delivered twice: " + body);
        }
        assertEquals(new HashSet<>(bodies), seen);
        assertEquals(97 + 3, odd.bodies().size());
        assertEquals(sorted(odd.bodies()), odd.bodies(), "in order");
    }

    @Test
    void aReleasedMessageGoesBackToAConsumerThatWantsIt() throws Exception {
        open(Map.of());
        publish("a:1", "b:2", "a:3");
        ClassicQueueArgumentsTest.Recorder first = new ClassicQueueArgumentsTest.Recorder();
        queue.addConsumer(first, ConsumerOptions.DEFAULT.withFilter(new TagFilter("a")));
        queue.addCredit(first, 1);
        idle();
        assertEquals(List.of("a:1"), first.bodies());
        queue.removeConsumer(first);
        ClassicQueueArgumentsTest.Recorder second = new ClassicQueueArgumentsTest.Recorder();
        queue.addConsumer(second, ConsumerOptions.DEFAULT.withFilter(new TagFilter("a")));
        queue.addCredit(second, 10);
        idle();
        assertEquals(List.of("a:1", "a:3"), second.bodies());
        ClassicQueueArgumentsTest.Recorder rest = new ClassicQueueArgumentsTest.Recorder();
        queue.addConsumer(rest);
        queue.addCredit(rest, 10);
        idle();
        assertEquals(List.of("b:2"), rest.bodies());
    }

    @Test
    void aFilteredBrowserSeesOnlyMatchingMessages() throws Exception {
        open(Map.of());
        publish("a:1", "b:2", "a:3");
        ClassicQueueArgumentsTest.Recorder browser = new ClassicQueueArgumentsTest.Recorder();
        queue.addConsumer(browser, new ConsumerOptions(0, true).withFilter(new TagFilter("a")));
        queue.addCredit(browser, 10);
        idle();
        assertEquals(List.of("a:1", "a:3"), browser.bodies());
        assertEquals(3, queue.messageCount());
    }

    @Test
    void priorityLevelsAreScannedHighestFirst() throws Exception {
        open(Map.of("x-max-priority", 5));
        queue.enqueue(new MessageHeader(0, 0, 1, TagHash.of("t"), true), utf8("t:low")).get(5, TimeUnit.SECONDS);
        queue.enqueue(new MessageHeader(0, 0, 1, TagHash.NONE, true), utf8("other")).get(5, TimeUnit.SECONDS);
        queue.enqueue(new MessageHeader(0, 0, 5, TagHash.of("t"), true), utf8("t:high")).get(5, TimeUnit.SECONDS);
        idle();
        ClassicQueueArgumentsTest.Recorder consumer = new ClassicQueueArgumentsTest.Recorder();
        queue.addConsumer(consumer, ConsumerOptions.DEFAULT.withFilter(new TagFilter("t")));
        queue.addCredit(consumer, 10);
        idle();
        assertEquals(List.of("t:high", "t:low"), consumer.bodies());
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> sorted(List<String> bodies) {
        List<String> copy = new ArrayList<>(bodies);
        copy.sort((a, b) -> Integer.compare(Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1))));
        return copy;
    }
}
