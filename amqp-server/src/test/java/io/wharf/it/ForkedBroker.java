package io.wharf.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A broker in its own JVM ({@code io.wharf.broker.BrokerMain} on the test class path), for what an in-process
 * broker cannot show: signals (SIGTERM, {@code kill -9}) and restarts on the same data directory.
 */
final class ForkedBroker implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening for AMQP on [^ ]+:(\\d+)");

    private final Process process;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Thread reader;

    private ForkedBroker(Process process) {
        this.process = process;
        reader = new Thread(this::readOutput, "forked-broker-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a broker JVM with {@code yaml} as its configuration file; returns once it listens. */
    static ForkedBroker start(Path dir, String yaml) throws Exception {
        return start(dir, yaml, List.of());
    }

    /** {@link #start(Path, String)} with more JVM options after {@code -Xmx256m} (e.g. GC logging). */
    static ForkedBroker start(Path dir, String yaml, List<String> jvmOptions) throws Exception {
        Path conf = dir.resolve("wharf.yaml");
        Files.writeString(conf, yaml);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.wharf.broker.BrokerMain",
                conf.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .directory(dir.toFile());
        ForkedBroker broker = new ForkedBroker(builder.start());
        try {
            broker.port.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            broker.process.destroyForcibly();
            throw new IllegalStateException("forked broker did not start; output:\n" + broker.output(), e);
        }
        return broker;
    }

    int port() {
        return port.join();
    }

    Process process() {
        return process;
    }

    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /** SIGTERM; waits for the JVM to exit and returns its exit code. */
    int terminate() throws InterruptedException {
        // Signal through the handle: Process.destroy() would also close our end of the child's output,
        // losing what it logs while shutting down.
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("broker did not stop within 30 s of SIGTERM; output:\n" + output());
        }
        reader.join(10_000);
        return process.exitValue();
    }

    /** SIGKILL: the JVM dies at once, nothing flushed. */
    void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        reader.join(10_000);
    }

    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.add(line);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            // process gone
        }
        port.completeExceptionally(new IllegalStateException("broker output ended"));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
