package io.wharf.amqp.message;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.codec.WritableBuffer;

/**
 * Encodes a message-annotations section. Used only when the broker must change annotations (a {@code modified}
 * outcome's annotations, dead-letter deaths), which is rare, so proton-j's encoder is fine here; one per thread
 * because proton-j's encoder is not thread-safe.
 */
final class AnnotationsEncoder {

    private static final ThreadLocal<EncoderImpl> ENCODER = ThreadLocal.withInitial(() -> {
        DecoderImpl decoder = new DecoderImpl();
        EncoderImpl encoder = new EncoderImpl(decoder);
        AMQPDefinedTypes.registerAllTypes(decoder, encoder);
        return encoder;
    });

    private AnnotationsEncoder() {
    }

    /** The encoded section holding {@code annotations} (keys become symbols, values are AMQP-typed Java values). */
    static ByteBuffer encode(Map<String, Object> annotations) {
        Map<Symbol, Object> symbols = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : annotations.entrySet()) {
            symbols.put(Symbol.valueOf(e.getKey()), e.getValue());
        }
        EncoderImpl encoder = ENCODER.get();
        GrowingBuffer buffer = new GrowingBuffer();
        encoder.setByteBuffer(buffer);
        try {
            encoder.writeObject(new MessageAnnotations(symbols));
        } finally {
            encoder.setByteBuffer((WritableBuffer) null);
        }
        return buffer.toByteBuffer();
    }

    /** A WritableBuffer over a byte array that grows as needed. */
    private static final class GrowingBuffer implements WritableBuffer {
        private byte[] bytes = new byte[256];
        private int position;

        private void ensure(int more) {
            if (position + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, position + more));
            }
        }

        ByteBuffer toByteBuffer() {
            return ByteBuffer.wrap(bytes, 0, position).slice();
        }

        @Override
        public void put(byte b) {
            ensure(1);
            bytes[position++] = b;
        }

        @Override
        public void putFloat(float f) {
            putInt(Float.floatToRawIntBits(f));
        }

        @Override
        public void putDouble(double d) {
            putLong(Double.doubleToRawLongBits(d));
        }

        @Override
        public void put(byte[] src, int offset, int length) {
            ensure(length);
            System.arraycopy(src, offset, bytes, position, length);
            position += length;
        }

        @Override
        public void putShort(short s) {
            ensure(2);
            bytes[position++] = (byte) (s >> 8);
            bytes[position++] = (byte) s;
        }

        @Override
        public void putInt(int i) {
            ensure(4);
            for (int shift = 24; shift >= 0; shift -= 8) {
                bytes[position++] = (byte) (i >> shift);
            }
        }

        @Override
        public void putLong(long l) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                bytes[position++] = (byte) (l >> shift);
            }
        }

        @Override
        public boolean hasRemaining() {
            return true;
        }

        @Override
        public int remaining() {
            return Integer.MAX_VALUE - position;
        }

        @Override
        public int position() {
            return position;
        }

        @Override
        public void position(int position) {
            ensure(Math.max(0, position - this.position));
            this.position = position;
        }

        @Override
        public void put(ByteBuffer payload) {
            int n = payload.remaining();
            ensure(n);
            payload.get(bytes, position, n);
            position += n;
        }

        @Override
        public void put(org.apache.qpid.proton.codec.ReadableBuffer payload) {
            int n = payload.remaining();
            ensure(n);
            payload.get(bytes, position, n);
            position += n;
        }

        @Override
        public int limit() {
            return Integer.MAX_VALUE;
        }
    }
}
