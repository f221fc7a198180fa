package io.wharf.amqp.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns a valid stream of {@link FrameCorpus} into a hostile one. Each input gets one to three of: bit flips in one
 * frame, a truncated stream, a frame size made huge or smaller than the header, a performative descriptor swapped
 * for another (or for nonsense), deeply nested lists or described types, a string or binary claiming gigabytes,
 * a frame duplicated, dropped or moved, a frame on an unopened channel, and random bytes. Protocol headers are
 * mutated rarely, so most inputs get past the header check into the frame decoder. Deterministic for a seed.
 */
public final class FrameMutator {

    /** What a mutation did, for the report. */
    public enum Kind { BIT_FLIP, TRUNCATE, HUGE_SIZE, TINY_SIZE, DESCRIPTOR, DEEP_NESTING, HUGE_LENGTH, REORDER,
        CHANNEL, GARBAGE }

    private static final Kind[] KINDS = Kind.values();

    private final SplittableRandom random;

    public FrameMutator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** One hostile input made from {@code stream}; {@code applied} receives what was done. */
    public byte[] mutate(List<byte[]> stream, List<Kind> applied) {
        List<byte[]> chunks = new ArrayList<>();
        for (byte[] chunk : stream) {
            chunks.add(chunk.clone());
        }
        int mutations = 1 + random.nextInt(3);
        boolean truncate = false;
        for (int m = 0; m < mutations; m++) {
            Kind kind = KINDS[random.nextInt(KINDS.length)];
            applied.add(kind);
            int at = frameIndex(chunks);
            byte[] frame = chunks.get(at);
            switch (kind) {
                case BIT_FLIP -> {
                    int flips = 1 + random.nextInt(4);
                    for (int i = 0; i < flips; i++) {
                        int bit = random.nextInt(frame.length * 8);
                        frame[bit / 8] ^= (byte) (1 << (bit % 8));
                    }
                }
                case TRUNCATE -> truncate = true;
                case HUGE_SIZE -> {
                    if (frame.length >= 4) {
                        ByteBuffer.wrap(frame).putInt(0, random.nextBoolean() ? Integer.MAX_VALUE
                                : frame.length + 1 + random.nextInt(1 << 20));
                    }
                }
                case TINY_SIZE -> {
                    if (frame.length >= 4) {
                        ByteBuffer.wrap(frame).putInt(0, random.nextInt(8));
                    }
                }
                case DESCRIPTOR -> {
                    // Frames start 00 53 <code> after the 8-byte header; pick another code, valid or not.
                    if (frame.length > 10 && frame[8] == 0 && frame[9] == 0x53) {
                        frame[10] = (byte) (random.nextBoolean() ? 0x10 + random.nextInt(0x09) : random.nextInt(256));
                    }
                }
                case DEEP_NESTING -> chunks.add(at,
                        nested(random.nextInt(4) == 0 ? 20_000 : 1 + random.nextInt(5_000)));
                case HUGE_LENGTH -> chunks.set(at, hugeLength(frame));
                case REORDER -> {
                    int other = frameIndex(chunks);
                    switch (random.nextInt(3)) {
                        case 0 -> chunks.add(other, frame.clone());
                        case 1 -> {
                            if (chunks.size() > 2) {
                                chunks.remove(at);
                            }
                        }
                        default -> {
                            chunks.set(at, chunks.get(other));
                            chunks.set(other, frame);
                        }
                    }
                }
                case CHANNEL -> {
                    if (frame.length >= 8) {
                        ByteBuffer.wrap(frame).putShort(6, (short) random.nextInt(65536));
                    }
                }
                case GARBAGE -> {
                    byte[] garbage = new byte[1 + random.nextInt(512)];
                    random.nextBytes(garbage);
                    chunks.add(at, garbage);
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            out.writeBytes(chunk);
        }
        byte[] bytes = out.toByteArray();
        if (truncate && bytes.length > 9) {
            bytes = java.util.Arrays.copyOf(bytes, 8 + random.nextInt(bytes.length - 8));
        }
        return bytes;
    }

    /** One hostile message (the payload of a transfer): bit flips, truncation, or a huge claimed length. */
    public byte[] mutateMessage(byte[] message, List<Kind> applied) {
        byte[] bytes = message.clone();
        switch (random.nextInt(3)) {
            case 0 -> {
                applied.add(Kind.BIT_FLIP);
                for (int i = 1 + random.nextInt(4); i > 0; i--) {
                    int bit = random.nextInt(bytes.length * 8);
                    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                }
            }
            case 1 -> {
                applied.add(Kind.TRUNCATE);
                bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
            }
            default -> {
                applied.add(Kind.HUGE_LENGTH);
                int at = random.nextInt(bytes.length);
                ByteBuffer out = ByteBuffer.allocate(bytes.length + 5);
                out.put(bytes, 0, at).put((byte) (random.nextBoolean() ? 0xb1 : 0xd1));
                out.putInt(random.nextBoolean() ? Integer.MAX_VALUE : random.nextInt(1 << 20));
                out.put(bytes, at, bytes.length - at);
                bytes = out.array();
            }
        }
        return bytes;
    }

    /** Mostly a frame (not a protocol header), so the decoder is reached; now and then the header itself. */
    private int frameIndex(List<byte[]> chunks) {
        int at = random.nextInt(chunks.size());
        if (at == 0 && chunks.size() > 1 && random.nextInt(20) != 0) {
            at = 1 + random.nextInt(chunks.size() - 1);
        }
        return at;
    }

    /** A frame whose body is {@code depth} nested list8 / described-type constructors. */
    private byte[] nested(int depth) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean described = random.nextBoolean();
        for (int i = 0; i < depth; i++) {
            if (described) {
                body.write(0x00); // a described type whose descriptor is itself described, and so on
            } else {
                body.write(0xd0); // list32: size, count, then the next list
                body.writeBytes(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 1});
            }
        }
        body.write(0x40);
        byte[] payload = body.toByteArray();
        ByteBuffer frame = ByteBuffer.allocate(8 + payload.length);
        frame.putInt(8 + payload.length).put((byte) 2).put((byte) 0).putShort((short) 0).put(payload);
        return frame.array();
    }

    /** The frame with a str32 / bin32 / list32 claiming up to 2 GiB inserted after its header. */
    private byte[] hugeLength(byte[] frame) {
        if (frame.length < 8) {
            return frame;
        }
        byte[] constructors = {(byte) 0xb1, (byte) 0xb0, (byte) 0xd0, (byte) 0xf0, (byte) 0xb3};
        ByteBuffer out = ByteBuffer.allocate(frame.length + 5);
        out.put(frame, 0, 8);
        int at = 8 + random.nextInt(frame.length - 7);
        out.put(frame, 8, at - 8);
        out.put(constructors[random.nextInt(constructors.length)]);
        out.putInt(random.nextBoolean() ? Integer.MAX_VALUE : random.nextInt(1 << 24));
        out.put(frame, at, frame.length - at);
        out.putInt(0, out.capacity());
        return out.array();
    }
}
