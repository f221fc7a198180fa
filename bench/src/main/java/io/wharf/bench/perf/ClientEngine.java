package io.wharf.bench.perf;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A way of talking AMQP 1.0 to a broker. Each producer and each consumer is one connection; both start working
 * as soon as their links are attached and count into a shared {@link Meter}.
 */
interface ClientEngine {

    enum Kind {
        JMS("qpid-jms"),
        LEAN("lean-proton-j");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }

        static Kind parse(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "jms", "qpid-jms" -> JMS;
                case "lean", "proton-j", "lean-proton-j" -> LEAN;
                default -> throw new IllegalArgumentException("--engine " + value + ": jms or lean");
            };
        }

        ClientEngine create() {
            return this == JMS ? new JmsEngine() : new LeanEngine();
        }
    }

    /** Where to connect and as whom ({@code user} null: SASL ANONYMOUS). */
    record Endpoint(String host, int port, String user, String password) {
    }

    /**
     * One producer connection.
     *
     * @param addresses     sent to round-robin
     * @param ratePerSecond open-loop rate of this producer; 0 = closed loop (as fast as {@code window} allows)
     * @param limit         messages to send in all; 0 = until stopped
     */
    record ProducerSpec(List<String> addresses, DestinationKind kind, boolean persistent, int sizeBytes,
                        int window, double ratePerSecond, long limit) {
    }

    /**
     * One consumer connection: a receiving link on each address, each with {@code credit}; {@code sizeBytes} is
     * the body size the producers send (the lean engine finds the send time from it).
     */
    record ConsumerSpec(List<String> addresses, DestinationKind kind, int credit, int sizeBytes) {
    }

    interface LoadProducer extends AutoCloseable {

        /** Stops sending, waits up to {@code settleTimeout} for unsettled sends, closes the connection. */
        void stop(Duration settleTimeout);

        @Override
        default void close() {
            stop(Duration.ZERO);
        }
    }

    interface LoadConsumer extends AutoCloseable {

        /** Deliveries this consumer has taken. */
        long received();

        @Override
        void close();
    }

    Kind kind();

    /** Connects and attaches; returns once the links are attached and credit is granted. */
    LoadConsumer startConsumer(Endpoint endpoint, ConsumerSpec spec, Meter meter) throws Exception;

    /** Connects and attaches; returns once sending has started. */
    LoadProducer startProducer(Endpoint endpoint, ProducerSpec spec, Meter meter) throws Exception;
}
