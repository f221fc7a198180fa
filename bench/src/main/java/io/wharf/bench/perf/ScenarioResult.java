package io.wharf.bench.perf;

/**
 * What one run of one scenario on one broker measured. Rates are per second of the measured window; NaN where
 * nothing was measured (a CPU figure without the broker's process, a latency without deliveries).
 *
 * @param targetRatePerSecond the fixed send rate of an open-loop scenario (latency); 0 when closed loop
 * @param delivered           deliveries taken by the consumers in the window (the rate's unit)
 * @param deliveredPerSecond  the headline rate: messages consumed per second (fanout: deliveries)
 * @param confirmedPerSecond  sends the broker settled per second
 * @param refused             sends the broker settled with anything but accepted
 * @param brokerCpuMicrosPerMessage broker CPU time (user + system, all threads) per delivery, in microseconds
 * @param brokerCpuPercent    broker CPU over the window, 100 = one core
 * @param clientCpuPercent    this load client's CPU over the window, 100 = one core
 * @param latency             end-to-end latency percentiles, milliseconds; null when none was measured
 */
record ScenarioResult(String scenario, String broker, String engine, int run, Status status, String note,
                      String settings, double targetRatePerSecond, double seconds, long delivered, double deliveredPerSecond,
                      double confirmedPerSecond, long refused, double brokerCpuMicrosPerMessage,
                      double brokerCpuPercent, double clientCpuPercent, Latency latency) {

    enum Status {
        OK("ok"),
        /** The broker cannot do this yet (Wharf without topics). */
        NOT_SUPPORTED("not supported yet"),
        /** wharf-perf cannot do this yet (stream replay before streams exist). */
        NOT_AVAILABLE("not available yet"),
        FAILED("failed");

        private final String text;

        Status(String text) {
            this.text = text;
        }

        String text() {
            return text;
        }
    }

    /** Latency percentiles in milliseconds. */
    record Latency(double p50, double p90, double p99, double p999, double max) {
    }

    static ScenarioResult notRun(String scenario, String broker, String engine, int run, Status status, String note,
                                 String settings) {
        return new ScenarioResult(scenario, broker, engine, run, status, note, settings, 0, 0, 0, Double.NaN,
                Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN, null);
    }

    boolean ok() {
        return status == Status.OK;
    }
}
