package io.wharf.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Transport;

/**
 * A frame-level AMQP peer for protocol tests: a client-side proton-j {@link Transport} driven by hand over a plain
 * socket, all on the test's thread. Its output goes to the socket and the socket's input into it, so it speaks
 * correct AMQP; {@link #sendRaw} writes bytes past it, to send what no well-behaved client would. It also follows
 * frame sizes in the incoming stream and counts the frames the broker sends, empty ones (heartbeats) apart.
 *
 * <p>Waiting is done by pumping: each pump writes pending output, then blocks on the socket for at most
 * {@value #READ_WAIT_MS} ms.
 */
final class ScriptedPeer implements AutoCloseable {

    private static final int READ_WAIT_MS = 20;
    private static final int FRAME_HEADER_SIZE = 8;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Transport transport = Proton.transport();
    private final Connection connection = Proton.connection();
    private final byte[] readBuffer = new byte[64 * 1024];

    /** Everything received, for the frame counter (these connections receive little). */
    private byte[] received = new byte[1024];
    private int receivedLength;
    private int frameCursor;
    private int framesReceived;
    private int emptyFramesReceived;
    private boolean eof;

    private ScriptedPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        socket.setSoTimeout(READ_WAIT_MS);
        socket.setTcpNoDelay(true);
    }

    static ScriptedPeer connect(int port) throws IOException {
        return new ScriptedPeer(new Socket("127.0.0.1", port));
    }

    /**
     * Sends the bare AMQP header ({@code AMQP 0 1 0 0}, no SASL) and an open.
     *
     * @param idleTimeoutMs the idle timeout advertised in the open; 0 advertises none
     */
    ScriptedPeer open(int idleTimeoutMs) {
        transport.setIdleTimeout(idleTimeoutMs);
        transport.bind(connection);
        connection.setContainer("scripted-peer");
        connection.open();
        pump(false);
        return this;
    }

    /** Sends the SASL header and a sasl-init with {@code mechanism} (whatever the broker offers), then an open. */
    Sasl openWithSasl(String mechanism, byte[] initialResponse) {
        Sasl sasl = transport.sasl();
        sasl.client();
        sasl.setMechanisms(mechanism);
        if (initialResponse != null) {
            sasl.send(initialResponse, 0, initialResponse.length);
        }
        transport.bind(connection);
        connection.setContainer("scripted-peer");
        connection.open();
        pump(false);
        return sasl;
    }

    Connection connection() {
        return connection;
    }

    Transport transport() {
        return transport;
    }

    /** Writes bytes straight to the socket, after everything the transport has produced so far. */
    void sendRaw(byte[] bytes) {
        writeTransportOutput();
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pumps until the broker's open has arrived. */
    void awaitRemoteOpen(Duration max) {
        pumpUntil(max, false, () -> connection.getRemoteState() != EndpointState.UNINITIALIZED);
    }

    /** Pumps (ticking the transport when {@code tick}) until {@code condition} holds. */
    void pumpUntil(Duration max, boolean tick, Callable<Boolean> condition) {
        await().atMost(max).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    pump(tick);
                    return condition.call();
                });
    }

    /** Pumps (ticking the transport when {@code tick}) for {@code time}, failing if {@code condition} stops holding. */
    void pumpDuring(Duration time, boolean tick, Callable<Boolean> condition) {
        await().during(time).atMost(time.plusSeconds(5)).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    pump(tick);
                    return condition.call();
                });
    }

    /** How the broker ended the connection. */
    record Ending(boolean closeFrameReceived, ErrorCondition condition, long elapsedMs) {
    }

    /** Pumps until the broker closes the socket; reports whether a close frame came first, and its error. */
    Ending awaitEndOfStream(Duration max) {
        long start = System.nanoTime();
        pumpUntil(max, false, () -> eof);
        boolean closed = connection.getRemoteState() == EndpointState.CLOSED;
        return new Ending(closed, closed ? connection.getRemoteCondition() : null,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    boolean endOfStream() {
        return eof;
    }

    int framesReceived() {
        return framesReceived;
    }

    int emptyFramesReceived() {
        return emptyFramesReceived;
    }

    /** One turn: optionally tick, write pending output, read what arrives within {@value #READ_WAIT_MS} ms. */
    void pump(boolean tick) {
        if (tick) {
            transport.tick(TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
        }
        writeTransportOutput();
        if (eof) {
            return;
        }
        int n;
        try {
            n = in.read(readBuffer);
        } catch (SocketTimeoutException e) {
            return;
        } catch (IOException e) {
            // A reset after the broker closed counts as the end of the stream too.
            n = -1;
        }
        if (n < 0) {
            eof = true;
            transport.close_tail();
            return;
        }
        countFrames(readBuffer, n);
        feed(readBuffer, n);
    }

    private void feed(byte[] bytes, int length) {
        int offset = 0;
        while (offset < length) {
            int capacity = transport.capacity();
            if (capacity <= 0) {
                return;
            }
            int n = Math.min(capacity, length - offset);
            ByteBuffer tail = transport.tail();
            tail.put(bytes, offset, n);
            offset += n;
            transport.process();
        }
    }

    private void writeTransportOutput() {
        try {
            while (transport.pending() > 0) {
                ByteBuffer head = transport.head();
                int size = head.remaining();
                byte[] bytes = new byte[size];
                head.get(bytes);
                transport.pop(size);
                out.write(bytes);
            }
            out.flush();
        } catch (IOException e) {
            // The broker may have closed already; what it sent is still read.
        }
    }

    /** Follows the incoming stream frame by frame: protocol headers are skipped, frames counted. */
    private void countFrames(byte[] bytes, int length) {
        if (receivedLength + length > received.length) {
            received = Arrays.copyOf(received, Math.max(received.length * 2, receivedLength + length));
        }
        System.arraycopy(bytes, 0, received, receivedLength, length);
        receivedLength += length;
        while (true) {
            int available = receivedLength - frameCursor;
            if (available >= FRAME_HEADER_SIZE && received[frameCursor] == 'A' && received[frameCursor + 1] == 'M'
                    && received[frameCursor + 2] == 'Q' && received[frameCursor + 3] == 'P') {
                frameCursor += FRAME_HEADER_SIZE;
                continue;
            }
            if (available < 4) {
                return;
            }
            int size = ByteBuffer.wrap(received, frameCursor, 4).getInt();
            if (size < FRAME_HEADER_SIZE || available < size) {
                return;
            }
            framesReceived++;
            if (size == FRAME_HEADER_SIZE) {
                emptyFramesReceived++;
            }
            frameCursor += size;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
