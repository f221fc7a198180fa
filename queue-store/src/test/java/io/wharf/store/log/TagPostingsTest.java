package io.wharf.store.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link TagPostings}: which tags get a posting list, lookups, and the file form. */
class TagPostingsTest {

    /** 10,000 records: hash 7 on 1%, hash 9 on 40%, 300 hashes on up to 20 records each, the rest untagged. */
    private static TagPostings sample(Map<Integer, List<Integer>> truth) {
        TagPostings.Builder builder = new TagPostings.Builder();
        Random random = new Random(7);
        int[] small = new int[300];
        int[] left = new int[300];
        for (int k = 0; k < small.length; k++) {
            small[k] = 1000 + k;
            left[k] = 20;
        }
        for (int i = 0; i < 10_000; i++) {
            int r = random.nextInt(100);
            int hash;
            if (r == 0) {
                hash = 7;
            } else if (r < 41) {
                hash = 9;
            } else if (r < 70) {
                int k = random.nextInt(small.length);
                hash = left[k] > 0 ? small[k] : 0;
                if (left[k] > 0) {
                    left[k]--;
                }
            } else {
                hash = 0;
            }
            builder.add(hash, i, i * 100);
            if (hash != 0) {
                truth.computeIfAbsent(hash, h -> new ArrayList<>()).add(i);
            }
        }
        return builder.build(10_000);
    }

    @Test
    void listsRareTagsWithinTheBudgetAndKnowsTheRest() {
        Map<Integer, List<Integer>> truth = new HashMap<>();
        TagPostings postings = sample(truth);
        // Rare: at most 10,000 / 32 = 312 records each; budget 10,000 / 8 = 1,250 records in all.
        assertTrue(postings.postingCount() <= 1250, "budget: " + postings.postingCount());
        assertEquals(TagPostings.DENSE, postings.group(9), "a 40% tag is found through the chunk summary");
        assertEquals(TagPostings.DENSE, postings.group(0), "untagged records are never listed");
        assertEquals(TagPostings.ABSENT, postings.group(424242));
        int listed = 0;
        int mostListed = 0;
        int fewestUnlisted = Integer.MAX_VALUE;
        for (Map.Entry<Integer, List<Integer>> e : truth.entrySet()) {
            int group = postings.group(e.getKey());
            assertTrue(group >= 0 || group == TagPostings.DENSE, "every present hash is known: " + e.getKey());
            if (group < 0) {
                fewestUnlisted = Math.min(fewestUnlisted, e.getValue().size());
                continue;
            }
            mostListed = Math.max(mostListed, e.getValue().size());
            listed++;
            List<Integer> records = e.getValue();
            // next(from) is the first record at or after from, for every from.
            int k = 0;
            for (int from = 0; from <= 10_000; from += 37) {
                while (k < records.size() && records.get(k) < from) {
                    k++;
                }
                long next = postings.next(group, from);
                if (k == records.size()) {
                    assertEquals(-1, next);
                } else {
                    assertEquals((int) records.get(k), OffsetIndex.relative(next));
                    assertEquals(records.get(k) * 100, OffsetIndex.position(next));
                }
            }
        }
        assertEquals(listed, postings.listedHashes());
        assertEquals(truth.size(), postings.listedHashes() + postings.denseHashCount());
        assertTrue(listed > 1 && listed < truth.size(), "the budget left some small tags dense: " + listed);
        assertTrue(mostListed <= fewestUnlisted, "fewest records first: " + mostListed + " > " + fewestUnlisted);
    }

    @Test
    void fileFormRoundTripsAndRejectsWhatDoesNotFit() {
        Map<Integer, List<Integer>> truth = new HashMap<>();
        TagPostings postings = sample(truth);
        int hash = truth.keySet().stream().filter(h -> postings.group(h) >= 0).findFirst().orElseThrow();
        ByteBuffer buf = ByteBuffer.allocate(postings.encodedBytes()).order(ByteOrder.LITTLE_ENDIAN);
        postings.writeTo(buf);
        assertEquals(0, buf.remaining());
        TagPostings read = TagPostings.readFrom(buf.flip(), 10_000, 1_000_000);
        assertNotNull(read);
        assertEquals(postings.postingCount(), read.postingCount());
        assertEquals(postings.group(hash), read.group(hash));
        assertEquals(postings.group(9), read.group(9));
        assertEquals(postings.next(postings.group(hash), 5000), read.next(read.group(hash), 5000));
        // Postings past the segment's records or bytes: the file belongs to another segment.
        assertNull(TagPostings.readFrom(buf.rewind(), 5_000, 1_000_000));
        assertNull(TagPostings.readFrom(buf.rewind(), 10_000, 500_000));
        // Counts larger than the bytes there.
        ByteBuffer truncated = buf.rewind().slice(0, 40).order(ByteOrder.LITTLE_ENDIAN);
        assertNull(TagPostings.readFrom(truncated, 10_000, 1_000_000));
    }

    @Test
    void smallSegmentsListEveryTagUpToTheFloor() {
        TagPostings.Builder builder = new TagPostings.Builder();
        for (int i = 0; i < 40; i++) {
            builder.add(i % 2 == 0 ? 5 : 6, i, i * 64);
        }
        TagPostings postings = builder.build(40);
        // 20 records each, over the floor of 8: dense; a segment this small is cheap to scan anyway.
        assertEquals(TagPostings.DENSE, postings.group(5));
        TagPostings.Builder few = new TagPostings.Builder();
        few.add(5, 3, 192);
        few.add(6, 4, 256);
        TagPostings two = few.build(40);
        assertEquals(3, OffsetIndex.relative(two.next(two.group(5), 0)));
        assertEquals(-1, two.next(two.group(5), 4));
    }
}
