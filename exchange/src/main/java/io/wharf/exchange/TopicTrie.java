package io.wharf.exchange;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Topic patterns as a trie of words, for a topic exchange. A routing key and a binding pattern are words separated
 * by {@code .}; in a pattern {@code *} stands for exactly one word and {@code #} for zero or more. The empty key has
 * no words ({@code #} matches it, {@code *} does not); {@code a..b} has an empty middle word.
 *
 * <pre>
 *   patterns  stock.*.nyse   stock.#   #.ibm
 *
 *   (root) ── stock ─┬─ * ── nyse      [stock.*.nyse]
 *          │         └─ # ·            [stock.#]
 *          └─ # ── ibm                 [#.ibm]
 * </pre>
 *
 * Matching walks the key's words once per reachable node: a literal child by hash lookup, the {@code *} child, and
 * for a {@code #} child every possible split of the remaining words. No regular expressions, no per-key compilation.
 *
 * <p>Threads: one writer at a time ({@link #add}, {@link #remove}: the topology thread), any number of concurrent
 * readers ({@link #match}, e.g. event loops) without locks. Children are concurrent maps, a node's values an array
 * replaced on change, so a reader sees each node either before or after a change, never torn.
 *
 * @param <V> what a pattern carries (a binding); compared with {@code equals}
 */
public final class TopicTrie<V> {

    private static final Object[] NO_VALUES = new Object[0];

    private static final class Node {
        final ConcurrentHashMap<String, Node> words = new ConcurrentHashMap<>(2);
        volatile Node star;
        volatile Node hash;
        volatile Object[] values = NO_VALUES;

        boolean isEmpty() {
            return values.length == 0 && words.isEmpty() && star == null && hash == null;
        }
    }

    private final Node root = new Node();
    private int size;

    /** Adds {@code value} under {@code pattern}; false when that exact pair is already there. Writer only. */
    public boolean add(String pattern, V value) {
        Node node = root;
        for (String word : words(pattern)) {
            node = switch (word) {
                case "*" -> {
                    if (node.star == null) {
                        node.star = new Node();
                    }
                    yield node.star;
                }
                case "#" -> {
                    if (node.hash == null) {
                        node.hash = new Node();
                    }
                    yield node.hash;
                }
                default -> node.words.computeIfAbsent(word, w -> new Node());
            };
        }
        Object[] values = node.values;
        for (Object v : values) {
            if (v.equals(value)) {
                return false;
            }
        }
        Object[] more = Arrays.copyOf(values, values.length + 1);
        more[values.length] = value;
        node.values = more;
        size++;
        return true;
    }

    /** Removes {@code value} from {@code pattern}, pruning nodes left empty; false when it was not there. Writer only. */
    public boolean remove(String pattern, V value) {
        String[] words = words(pattern);
        Node[] path = new Node[words.length + 1];
        path[0] = root;
        for (int i = 0; i < words.length; i++) {
            Node next = child(path[i], words[i]);
            if (next == null) {
                return false;
            }
            path[i + 1] = next;
        }
        Node node = path[words.length];
        Object[] values = node.values;
        int at = -1;
        for (int i = 0; i < values.length; i++) {
            if (values[i].equals(value)) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            return false;
        }
        Object[] fewer = new Object[values.length - 1];
        System.arraycopy(values, 0, fewer, 0, at);
        System.arraycopy(values, at + 1, fewer, at, values.length - at - 1);
        node.values = fewer.length == 0 ? NO_VALUES : fewer;
        size--;
        for (int i = words.length; i > 0 && path[i].isEmpty(); i--) {
            Node parent = path[i - 1];
            switch (words[i - 1]) {
                case "*" -> parent.star = null;
                case "#" -> parent.hash = null;
                default -> parent.words.remove(words[i - 1]);
            }
        }
        return true;
    }

    private static Node child(Node node, String word) {
        return switch (word) {
            case "*" -> node.star;
            case "#" -> node.hash;
            default -> node.words.get(word);
        };
    }

    /** Pattern entries (pattern, value pairs) held. Writer only. */
    public int size() {
        return size;
    }

    /**
     * Calls {@code sink} with the value of every pattern matching {@code routingKey}. A value under two patterns
     * that both match comes twice, as can one under a pattern with several {@code #} (several splits match):
     * callers that need each once deduplicate (see {@link RoutedQueues}). Any thread.
     */
    @SuppressWarnings("unchecked")
    public void match(String routingKey, Consumer<? super V> sink) {
        match(root, words(routingKey), 0, (Consumer<Object>) sink);
    }

    private static void match(Node node, String[] words, int i, Consumer<Object> sink) {
        if (i == words.length) {
            for (Object v : node.values) {
                sink.accept(v);
            }
        } else {
            Node literal = node.words.get(words[i]);
            if (literal != null) {
                match(literal, words, i + 1, sink);
            }
            Node star = node.star;
            if (star != null) {
                match(star, words, i + 1, sink);
            }
        }
        Node hash = node.hash;
        if (hash != null) {
            // '#' takes zero or more of the remaining words: try every split.
            for (int j = i; j <= words.length; j++) {
                match(hash, words, j, sink);
            }
        }
    }

    /** Splits on '.' by hand (no regex): "" has no words, "a..b" is [a, "", b]. */
    static String[] words(String key) {
        if (key.isEmpty()) {
            return new String[0];
        }
        int count = 1;
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) == '.') {
                count++;
            }
        }
        String[] words = new String[count];
        int start = 0;
        int w = 0;
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) == '.') {
                words[w++] = key.substring(start, i);
                start = i + 1;
            }
        }
        words[w] = key.substring(start);
        return words;
    }
}
