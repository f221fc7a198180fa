package io.wharf.store.queue;

import java.nio.charset.StandardCharsets;

/**
 * The 32-bit hash of a message's filter tag kept in the fixed record header ({@link MessageHeader#tagHash()}):
 * FNV-1a over the tag's UTF-8 bytes. It is stored on disk, so it must never change. 0 ({@link #NONE}) means "no
 * tag"; a tag whose hash comes out as 0 is stored as 1. A hash only pre-screens: two tags may share one, so the
 * consumer's filter still compares the tag itself.
 */
public final class TagHash {

    public static final int NONE = 0;

    private TagHash() {
    }

    public static int of(String tag) {
        int hash = 0x811C9DC5;
        for (byte b : tag.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xFF;
            hash *= 0x01000193;
        }
        return hash == NONE ? 1 : hash;
    }
}
