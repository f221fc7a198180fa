package io.wharf.amqp.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live fuzzer: hostile inputs from {@link FrameMutator} sent over real sockets to a running broker by a few
 * threads, each input on a new connection, whose answer is read until the broker closes it or a short wait
 * passes. What it checks itself is only that the broker keeps accepting connections; the caller runs a
 * well-behaved client beside it and looks at the broker's threads and buffers afterwards.
 */
public final class LiveFuzz {

    private static final int ANSWER_WAIT_MS = 150;

    private LiveFuzz() {
    }

    /** Runs {@code threads} senders against {@code host:port} for {@code durationMs}. */
    public static FuzzReport run(String host, int port, long durationMs, int threads, long seed)
            throws InterruptedException {
        FrameCorpus corpus = new FrameCorpus();
        Map<String, Long> outcomes = new ConcurrentHashMap<>();
        Map<String, String> failures = new ConcurrentHashMap<>();
        AtomicLong inputs = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + durationMs * 1_000_000L;
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long threadSeed = seed + t;
            Thread sender = new Thread(() -> {
                FrameMutator mutator = new FrameMutator(threadSeed);
                SplittableRandom random = new SplittableRandom(threadSeed);
                int refusedInARow = 0;
                while (System.nanoTime() < deadline) {
                    List<List<byte[]>> streams = corpus.streams();
                    byte[] input = mutator.mutate(streams.get(random.nextInt(streams.size())), new ArrayList<>());
                    inputs.incrementAndGet();
                    bytes.addAndGet(input.length);
                    String outcome = send(host, port, input);
                    outcomes.merge(outcome, 1L, Long::sum);
                    refusedInARow = outcome.equals("connect failed") ? refusedInARow + 1 : 0;
                    if (refusedInARow >= 20) {
                        failures.put("connect", "the broker refused 20 connections in a row");
                        return;
                    }
                }
            }, "wharf-live-fuzz-" + t);
            sender.setDaemon(true);
            sender.start();
            senders.add(sender);
        }
        for (Thread sender : senders) {
            sender.join();
        }
        return new FuzzReport(inputs.get(), bytes.get(), outcomes, failures,
                (System.nanoTime() - start) / 1_000_000);
    }

    private static String send(String host, int port, byte[] input) {
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(host, port), 5_000);
            } catch (IOException e) {
                return "connect failed";
            }
            socket.setSoTimeout(ANSWER_WAIT_MS);
            socket.setSoLinger(true, 0);
            try {
                socket.getOutputStream().write(input);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                return "closed by the broker while sending";
            }
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            long readUntil = System.nanoTime() + ANSWER_WAIT_MS * 2_000_000L;
            while (System.nanoTime() < readUntil) {
                try {
                    if (in.read(buffer) < 0) {
                        return "closed by the broker";
                    }
                } catch (SocketTimeoutException e) {
                    return "left open (closed by the fuzzer)";
                } catch (IOException e) {
                    return "reset by the broker";
                }
            }
            return "left open (closed by the fuzzer)";
        } catch (IOException e) {
            return "socket error";
        }
    }
}
