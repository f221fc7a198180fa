package io.wharf.store.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ChannelOpener} whose channels can be told to fail writes or forces, or to hold a force until the
 * test releases it.
 */
final class FaultyOpener implements ChannelOpener {

    volatile boolean failWrites;
    volatile boolean failForces;
    /** When set, every force waits for this latch first. */
    volatile CountDownLatch forceGate;
    /** Counted down when a force starts waiting on {@link #forceGate}. */
    volatile CountDownLatch forceWaiting = new CountDownLatch(1);
    final List<FileChannel> channels = new CopyOnWriteArrayList<>();

    @Override
    public FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
        FileChannel channel = new ForwardingFileChannel(FileChannel.open(path, options)) {
            @Override
            public int write(ByteBuffer src, long position) throws IOException {
                if (failWrites) {
                    throw new IOException("injected write failure on " + path);
                }
                return super.write(src, position);
            }

            @Override
            public void force(boolean metaData) throws IOException {
                CountDownLatch gate = forceGate;
                if (gate != null) {
                    forceWaiting.countDown();
                    try {
                        if (!gate.await(30, TimeUnit.SECONDS)) {
                            throw new IOException("force gate never opened");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException(e);
                    }
                }
                if (failForces) {
                    throw new IOException("injected force failure on " + path);
                }
                super.force(metaData);
            }
        };
        channels.add(channel);
        return channel;
    }
}
