package io.wharf.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TopicTrieTest {

    private static Set<String> matches(TopicTrie<String> trie, String key) {
        Set<String> found = new TreeSet<>();
        trie.match(key, found::add);
        return found;
    }

    private static TopicTrie<String> trieOf(String... patterns) {
        TopicTrie<String> trie = new TopicTrie<>();
        for (String p : patterns) {
            trie.add(p, p);
        }
        return trie;
    }

    @Test
    void starIsExactlyOneWordAndHashIsZeroOrMore() {
        TopicTrie<String> trie = trieOf("stock.*.nyse", "stock.#", "#.ibm", "#", "*", "stock", "a.#.b", "");
        assertEquals(Set.of("stock.*.nyse", "stock.#", "#"), matches(trie, "stock.usd.nyse"));
        assertEquals(Set.of("stock.#", "#", "*", "stock"), matches(trie, "stock"));
        assertEquals(Set.of("stock.#", "#.ibm", "#"), matches(trie, "stock.ibm"));
        assertEquals(Set.of("#", "a.#.b"), matches(trie, "a.b"));
        assertEquals(Set.of("#", "a.#.b"), matches(trie, "a.x.y.b"));
        assertEquals(Set.of("#", ""), matches(trie, ""));
        assertEquals(Set.of("#", "*"), matches(trie, "nyse"));
    }

    @Test
    void emptyWordsAreWords() {
        TopicTrie<String> trie = trieOf("a..b", "a.*.b", "*", "*.*");
        assertEquals(Set.of("a..b", "a.*.b"), matches(trie, "a..b"));
        assertEquals(Set.of("*.*"), matches(trie, "."));
        assertArrayEquals(new String[] {"a", "", "b"}, TopicTrie.words("a..b"));
        assertArrayEquals(new String[0], TopicTrie.words(""));
    }

    @Test
    void removePrunesAndKeepsOthers() {
        TopicTrie<String> trie = trieOf("a.b", "a.#", "a.*");
        assertTrue(trie.add("a.b", "second"));
        assertFalse(trie.add("a.b", "second"));
        assertEquals(4, trie.size());
        assertTrue(trie.remove("a.b", "a.b"));
        assertFalse(trie.remove("a.b", "a.b"));
        assertFalse(trie.remove("x.y", "x.y"));
        assertEquals(Set.of("a.#", "a.*", "second"), matches(trie, "a.b"));
        trie.remove("a.b", "second");
        trie.remove("a.#", "a.#");
        trie.remove("a.*", "a.*");
        assertEquals(0, trie.size());
        assertEquals(Set.of(), matches(trie, "a.b"));
    }

    /** The trie against a direct recursive reading of the rules, on random patterns and keys over a small alphabet. */
    @Test
    void agreesWithAReferenceMatcher() {
        Random random = new Random(42);
        String[] alphabet = {"a", "b", "c", ""};
        for (int round = 0; round < 200; round++) {
            TopicTrie<String> trie = new TopicTrie<>();
            List<String> patterns = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String p = randomKey(random, new String[] {"a", "b", "*", "#", "c"});
                patterns.add(p);
                trie.add(p, p);
            }
            // remove a few again, so pruning is exercised too
            for (int i = 0; i < 5; i++) {
                String p = patterns.remove(random.nextInt(patterns.size()));
                if (!patterns.contains(p)) {
                    trie.remove(p, p);
                }
            }
            for (int k = 0; k < 30; k++) {
                String key = randomKey(random, alphabet);
                Set<String> expected = new TreeSet<>();
                for (String p : new HashSet<>(patterns)) {
                    if (reference(TopicTrie.words(p), 0, TopicTrie.words(key), 0)) {
                        expected.add(p);
                    }
                }
                assertEquals(expected, matches(trie, key), "key '" + key + "' against " + patterns);
            }
        }
    }

    private static String randomKey(Random random, String[] words) {
        int n = random.nextInt(5);
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                key.append('.');
            }
            key.append(words[random.nextInt(words.length)]);
        }
        return key.toString();
    }

    private static boolean reference(String[] p, int i, String[] k, int j) {
        if (i == p.length) {
            return j == k.length;
        }
        if (p[i].equals("#")) {
            return reference(p, i + 1, k, j) || (j < k.length && reference(p, i, k, j + 1));
        }
        if (j == k.length) {
            return false;
        }
        return (p[i].equals("*") || p[i].equals(k[j])) && reference(p, i + 1, k, j + 1);
    }
}
