package io.wharf.exchange;

import java.nio.charset.StandardCharsets;

/**
 * Which partition a routing key belongs to: MurmurHash3 (x86, 32-bit) of the key's UTF-8 bytes with seed
 * {@value #SEED}, taken unsigned, modulo the partition count. The same function and seed as the RabbitMQ stream
 * clients' hash routing of super streams, so a key lands on the same partition number either way. Stable across
 * restarts and versions: changing it would move keys between partitions and break per-key order.
 */
public final class PartitionHash {

    static final int SEED = 104729;
    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private PartitionHash() {
    }

    /** The partition, in {@code [0, partitions)}, of {@code routingKey} (null counts as the empty key). */
    public static int partition(String routingKey, int partitions) {
        byte[] key = routingKey == null ? new byte[0] : routingKey.getBytes(StandardCharsets.UTF_8);
        return Integer.remainderUnsigned(murmur3(key, SEED), partitions);
    }

    static int murmur3(byte[] data, int seed) {
        int h = seed;
        int blocks = data.length / 4;
        for (int i = 0; i < blocks; i++) {
            int at = i * 4;
            int k = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff) << 16
                    | (data[at + 3] & 0xff) << 24;
            h ^= mix(k);
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int tail = blocks * 4;
        int k = 0;
        switch (data.length & 3) {
            case 3:
                k ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                k ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                k ^= data[tail] & 0xff;
                h ^= mix(k);
                break;
            default:
                break;
        }
        h ^= data.length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private static int mix(int k) {
        k *= C1;
        k = Integer.rotateLeft(k, 15);
        return k * C2;
    }
}
