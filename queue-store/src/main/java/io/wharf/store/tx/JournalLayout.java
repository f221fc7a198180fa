package io.wharf.store.tx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The byte layout of the transaction journal ({@code <data-dir>/tx/journal}): a sequence of records, each
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |               Length of the whole record (int32)              |  0
 *  +---------------------------------------------------------------+
 *  |      CRC-32C of bytes 8 .. Length (everything after it)       |  4
 *  +---------------+-----------------------------------------------+
 *  |   Type (u8)   |  Body (Length - 9 bytes) ...                    8
 *  +---------------+-----------------------------------------------+
 *
 *  COMMIT  (1): txn (int64), time ms (int64), entry count (int32), entries:
 *               kind (u8: 1 enqueued, 2 acked, 3 duplicate id), vhost (str), queue (str),
 *               then offset (int64) for 1 and 2, id (str) for 3
 *  CONFIRM (2): txn (int64): every queue of that commit has it in its own log and ack files, on disk
 *  DEDUP   (3): time ms (int64), vhost (str), queue (str), id (str): one id of a duplicate-detection window
 *  str = length (int32) + UTF-8 bytes
 * </pre>
 *
 * <p>Little-endian like the queue logs. Recovery trusts a record only when its length is in bounds and its CRC
 * matches, and stops at the first one that fails (a torn tail); nothing after it was acknowledged to anyone.
 */
final class JournalLayout {

    static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    static final int LENGTH_OFFSET = 0;
    static final int CRC_OFFSET = 4;
    static final int TYPE_OFFSET = 8;
    static final int BODY_OFFSET = 9;
    static final int MAX_RECORD_LENGTH = 64 * 1024 * 1024;

    static final int TYPE_COMMIT = 1;
    static final int TYPE_CONFIRM = 2;
    static final int TYPE_DEDUP = 3;

    private JournalLayout() {
    }

    /** A decoded record. */
    record Decoded(int type, long txn, long timeMs, List<JournalEntry> entries, JournalEntry dedup) {
    }

    static ByteBuffer commit(long txn, long timeMs, List<JournalEntry> entries) {
        Writer w = new Writer(TYPE_COMMIT);
        w.putLong(txn);
        w.putLong(timeMs);
        w.putInt(entries.size());
        for (JournalEntry e : entries) {
            w.put((byte) e.kind().code);
            w.putString(e.vhost());
            w.putString(e.queue());
            if (e.kind() == JournalEntry.Kind.DUPLICATE_ID) {
                w.putString(e.id());
            } else {
                w.putLong(e.offset());
            }
        }
        return w.finish();
    }

    static ByteBuffer confirm(long txn) {
        Writer w = new Writer(TYPE_CONFIRM);
        w.putLong(txn);
        return w.finish();
    }

    static ByteBuffer dedup(long timeMs, String vhost, String queue, String id) {
        Writer w = new Writer(TYPE_DEDUP);
        w.putLong(timeMs);
        w.putString(vhost);
        w.putString(queue);
        w.putString(id);
        return w.finish();
    }

    /** The length of the intact record at {@code pos}, or -1 when there is none (end, torn or damaged). */
    static int validLength(ByteBuffer buf, int pos, CRC32C crc) {
        int limit = buf.limit();
        if (limit - pos < BODY_OFFSET) {
            return -1;
        }
        int length = buf.getInt(pos + LENGTH_OFFSET);
        if (length < BODY_OFFSET || length > limit - pos || length > MAX_RECORD_LENGTH) {
            return -1;
        }
        crc.reset();
        crc.update(buf.slice(pos + TYPE_OFFSET, length - TYPE_OFFSET));
        return (int) crc.getValue() == buf.getInt(pos + CRC_OFFSET) ? length : -1;
    }

    static Decoded decode(ByteBuffer buf, int pos, int length) {
        ByteBuffer b = buf.slice(pos, length).order(BYTE_ORDER);
        int type = b.get(TYPE_OFFSET) & 0xFF;
        b.position(BODY_OFFSET);
        switch (type) {
            case TYPE_COMMIT -> {
                long txn = b.getLong();
                long time = b.getLong();
                int count = b.getInt();
                List<JournalEntry> entries = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    JournalEntry.Kind kind = JournalEntry.Kind.of(b.get() & 0xFF);
                    String vhost = getString(b);
                    String queue = getString(b);
                    if (kind == JournalEntry.Kind.DUPLICATE_ID) {
                        entries.add(new JournalEntry(kind, vhost, queue, 0, getString(b)));
                    } else {
                        entries.add(new JournalEntry(kind, vhost, queue, b.getLong(), null));
                    }
                }
                return new Decoded(type, txn, time, entries, null);
            }
            case TYPE_CONFIRM -> {
                return new Decoded(type, b.getLong(), 0, List.of(), null);
            }
            case TYPE_DEDUP -> {
                long time = b.getLong();
                String vhost = getString(b);
                String queue = getString(b);
                String id = getString(b);
                return new Decoded(type, 0, time, List.of(), JournalEntry.duplicateId(vhost, queue, id));
            }
            default -> throw new IllegalArgumentException("unknown journal record type " + type);
        }
    }

    private static String getString(ByteBuffer b) {
        int n = b.getInt();
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Builds one record: type, body, then length and CRC. */
    private static final class Writer {
        private ByteBuffer buf = ByteBuffer.allocate(256).order(BYTE_ORDER);

        Writer(int type) {
            buf.position(BODY_OFFSET);
            buf.put(TYPE_OFFSET, (byte) type);
        }

        private void room(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n))
                        .order(BYTE_ORDER);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        void put(byte v) {
            room(1);
            buf.put(v);
        }

        void putInt(int v) {
            room(4);
            buf.putInt(v);
        }

        void putLong(long v) {
            room(8);
            buf.putLong(v);
        }

        void putString(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            room(4 + bytes.length);
            buf.putInt(bytes.length);
            buf.put(bytes);
        }

        ByteBuffer finish() {
            int length = buf.position();
            buf.putInt(LENGTH_OFFSET, length);
            CRC32C crc = new CRC32C();
            crc.update(buf.slice(TYPE_OFFSET, length - TYPE_OFFSET));
            buf.putInt(CRC_OFFSET, (int) crc.getValue());
            buf.flip();
            return buf;
        }
    }
}
