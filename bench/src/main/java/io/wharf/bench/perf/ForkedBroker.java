package io.wharf.bench.perf;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A broker in its own JVM, started by wharf-perf: Wharf ({@code java -jar wharf.jar <yaml>}) or Artemis
 * ({@link ArtemisMain} from this jar). Both log {@code listening for AMQP on host:port} once they accept
 * connections; until then nothing runs. The broker's output goes to {@code broker.log} in its folder; the folder
 * (data included) is deleted when the broker is closed.
 */
final class ForkedBroker implements BrokerUnderTest {

    private static final Pattern LISTENING = Pattern.compile("listening for AMQP on (\\S+):(\\d+)");
    private static final long START_TIMEOUT_SECONDS = 60;
    private static final int LOG_TAIL_LINES = 30;

    private final String label;
    private final Path dir;
    private final Process process;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private final Thread reader;
    private final CpuSampler cpu;
    private volatile String host = "127.0.0.1";
    private volatile String listeningLine = "";
    private boolean recording;

    private ForkedBroker(String label, Path dir, Process process) {
        this.label = label;
        this.dir = dir;
        this.process = process;
        this.cpu = CpuSampler.forPid(process.pid());
        this.reader = new Thread(this::copyOutput, label.toLowerCase() + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Wharf from its jar, with AMQP on a free loopback port and its data directory in {@code dir}. */
    static ForkedBroker startWharf(Path wharfJar, String jvmOptions, Path dir) throws IOException {
        if (!Files.isRegularFile(wharfJar)) {
            throw new IllegalStateException(wharfJar + " not found: build it with ./mvnw -q -B install -DskipTests");
        }
        Files.createDirectories(dir);
        Path yaml = dir.resolve("wharf.yaml");
        Files.writeString(yaml, """
                # written by wharf-perf; everything else is the default (store.fsync: batch)
                amqp:
                  host: 127.0.0.1
                  port: 0
                http:
                  host: 127.0.0.1
                  port: 0
                data-dir: '%s'
                """.formatted(dir.resolve("data").toString().replace("'", "''")));
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(split(jvmOptions));
        Path logback = wharfJar.toAbsolutePath().getParent().getParent().getParent().resolve("conf/logback.xml");
        if (Files.isRegularFile(logback)) {
            command.add("-Dlogback.configurationFile=" + logback);
        }
        command.addAll(List.of("-jar", wharfJar.toString(), yaml.toString()));
        return start("Wharf", command, dir);
    }

    /** Artemis embedded by {@link ArtemisMain}: persistence on, default journal and sync settings, in {@code dir}. */
    static ForkedBroker startArtemis(String jvmOptions, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(split(jvmOptions));
        command.add("-Dlogback.configurationFile=artemis-logback.xml"); // a resource of this jar
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ArtemisMain.class.getName(),
                dir.resolve("data").toString()));
        return start("Artemis", command, dir);
    }

    private static ForkedBroker start(String label, List<String> command, Path dir) throws IOException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        ForkedBroker broker = new ForkedBroker(label, dir, process);
        try {
            broker.port.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            broker.close();
            throw new IllegalStateException(label + " did not start listening within " + START_TIMEOUT_SECONDS
                    + " s; its output:\n" + broker.logTail(), e);
        }
        return broker;
    }

    private void copyOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             BufferedWriter log = Files.newBufferedWriter(dir.resolve("broker.log"))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.write(line);
                log.newLine();
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > LOG_TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
                if (!port.isDone()) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listeningLine = line;
                        host = m.group(1).equals("0.0.0.0") ? "127.0.0.1" : m.group(1);
                        port.complete(Integer.parseInt(m.group(2)));
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone or its folder was deleted
        }
        port.completeExceptionally(new IllegalStateException(label + " exited"));
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port.join();
    }

    /** The line the broker announced itself with (it names the broker's version). */
    String listeningLine() {
        return listeningLine;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public CpuSampler cpu() {
        return cpu;
    }

    @Override
    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public String logTail() {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    @Override
    public void startRecording(Path file) {
        recording = jcmd("JFR.start", "name=wharf-perf", "settings=profile", "filename=" + file.toAbsolutePath());
    }

    @Override
    public void stopRecording() {
        if (recording) {
            jcmd("JFR.stop", "name=wharf-perf");
            recording = false;
        }
    }

    private boolean jcmd(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        command.add(Long.toString(process.pid()));
        command.addAll(Arrays.asList(arguments));
        try {
            Process jcmd = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (jcmd.waitFor() != 0) {
                System.err.println("wharf-perf: jcmd " + String.join(" ", arguments) + " failed: " + out.trim());
                return false;
            }
            return true;
        } catch (IOException e) {
            System.err.println("wharf-perf: jcmd: " + e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM (a graceful stop for both brokers), SIGKILL after 30 s; then the folder goes. */
    @Override
    public void close() {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                System.err.println("wharf-perf: " + label + " did not stop within 30 s of SIGTERM; killing it");
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteRecursively(dir);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> split(String options) {
        return options.isBlank() ? List.of() : Arrays.asList(options.trim().split("\\s+"));
    }
}
