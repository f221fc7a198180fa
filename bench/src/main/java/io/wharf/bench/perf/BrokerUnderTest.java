package io.wharf.bench.perf;

/** A broker a scenario runs against: where it listens and, when known, its process for CPU sampling. */
interface BrokerUnderTest extends AutoCloseable {

    /** "Wharf", "Artemis", or the external broker's host:port. */
    String label();

    String host();

    int port();

    /** The broker's process CPU, or null when its process is not known (an external broker without --pid). */
    CpuSampler cpu();

    /** False once the broker process is known to have exited. */
    boolean alive();

    /** The last lines the broker logged, for error messages; empty when not known. */
    String logTail();

    /** Starts a flight recording into {@code file}, when this broker is a JVM we started; else nothing. */
    default void startRecording(java.nio.file.Path file) {
    }

    /** Stops the recording started by {@link #startRecording}. */
    default void stopRecording() {
    }

    /** Stops a broker wharf-perf started and deletes its data; nothing for an external one. */
    @Override
    void close();

    /** A broker wharf-perf did not start. */
    record External(String host, int port, Long pid) implements BrokerUnderTest {

        @Override
        public String label() {
            return host + ":" + port;
        }

        @Override
        public CpuSampler cpu() {
            return pid == null ? null : CpuSampler.forPid(pid);
        }

        @Override
        public boolean alive() {
            return pid == null || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }

        @Override
        public String logTail() {
            return "";
        }

        @Override
        public void close() {
        }
    }
}
