package io.wharf.bench.perf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command line of wharf-perf, parsed and checked once. Overrides that a scenario fills in itself
 * (producers, consumers, queues, rate) are null when not given.
 *
 * @param brokers      the brokers to run, in the order each scenario visits them
 * @param external     host and port of {@link BrokerKind#EXTERNAL}; null otherwise
 * @param pid          the external broker's process id for CPU sampling; null when not given
 * @param runs         how many times each scenario runs on each broker (medians are reported)
 * @param wharfJar     the broker jar; null: {@code amqp-server/target/wharf.jar} under the repository
 * @param brokerJvmOptions options for each forked broker JVM (Wharf and Artemis get the same)
 * @param jfr          record the forked brokers with Java Flight Recorder during each measured window
 */
record PerfOptions(List<Scenario> scenarios, List<BrokerKind> brokers, HostPort external, Long pid,
                   ClientEngine.Kind engine, int sizeBytes, Integer producers, Integer consumers, Integer queues,
                   int credit, int window, Double ratePerSecond, int durationSeconds, int warmupSeconds, int runs,
                   Path outDir, Path wharfJar, Path workDir, String brokerJvmOptions, boolean jfr, String user,
                   String password, boolean help) {

    /** Where the brokers under test come from. */
    enum BrokerKind {
        /** java -jar wharf.jar, forked by wharf-perf. */
        WHARF("Wharf"),
        /** Apache ActiveMQ Artemis, embedded in a JVM forked by wharf-perf. */
        ARTEMIS("Artemis"),
        /** Any AMQP 1.0 broker already running at --broker host:port. */
        EXTERNAL("broker");

        private final String label;

        BrokerKind(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    record HostPort(String host, int port) {

        static HostPort parse(String value) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new IllegalArgumentException("--broker " + value + ": expected wharf, artemis or host:port");
            }
            int port = parseInt("--broker", value.substring(colon + 1), 1, 65535);
            return new HostPort(value.substring(0, colon), port);
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    static final int DEFAULT_DURATION_SECONDS = 20;
    static final int DEFAULT_WARMUP_SECONDS = 20;
    static final int DEFAULT_SIZE_BYTES = 1024;
    static final int DEFAULT_CREDIT = 1000;
    static final int DEFAULT_WINDOW = 500;
    static final String DEFAULT_BROKER_JVM_OPTIONS = "-Xms1g -Xmx1g";

    static final String USAGE = """
            wharf-perf: load generator for AMQP 1.0 brokers, and a side-by-side comparison with ActiveMQ Artemis

            usage: bench/wharf-perf [options]

            what to run
              --scenario LIST       comma-separated scenarios, or all (default: persistent-throughput)
              --broker WHICH        wharf (default: forked from amqp-server/target/wharf.jar), artemis (embedded,
                                    forked), or host:port of any running AMQP 1.0 broker
              --compare artemis     run every scenario on Wharf and on Artemis alternately, with the same client,
                                    settings and message bytes, and print the Wharf/Artemis ratios
              --pid PID             process id of the --broker host:port broker, for its CPU time per message
              --engine jms|lean     client: Qpid JMS (default; what users run) or a lean client written directly
                                    on proton-j (pre-encoded messages, one thread per connection)
              --runs N              runs per scenario and broker; tables show medians (default 1)

            settings (the scenario decides what is not given)
              --size BYTES          message body size (default 1024, at least 8: the send time travels in it)
              --producers N         producer connections
              --consumers N         consumer connections (fanout: subscribers, default 4)
              --queues N            queues (many-queues: default 100)
              --credit N            link credit per consumer link (Qpid JMS prefetch) (default 1000)
              --window N            unsettled sends per producer before it waits (default 500)
              --rate MSGS           total send rate, open loop (latency: default 5000; others: unlimited)
              --duration SECONDS    measured window per scenario and broker (default 20)
              --warmup SECONDS      load before the measured window, not counted (default 20: on 2 busy cores
                                    the JIT compiler is still at work 15-25 s after a broker starts)
              --user NAME, --password SECRET   SASL PLAIN (default: ANONYMOUS)

            brokers forked by wharf-perf
              --wharf-jar PATH      (default amqp-server/target/wharf.jar in the repository)
              --broker-jvm-opts S   JVM options of both forked brokers (default "-Xms1g -Xmx1g")
              --work-dir DIR        where broker data directories go (default: java.io.tmpdir); deleted after
              --jfr                 record each forked broker with Java Flight Recorder (settings=profile) during
                                    the measured window: <out>/<broker>-<scenario>-run<N>.jfr; summarise one with
                                    java -cp bench/target/wharf-bench.jar io.wharf.bench.perf.JfrTop FILE

            output
              --out DIR             results as JSON and Markdown (default wharf-perf-results)
              -h, --help            this text

            scenarios
            %s

            Every second a progress line shows the rates, latency and the broker's CPU. Latency is measured from
            the send time carried in the first 8 bytes of each body (the intended send time in open loop) to its
            arrival at the consumer. Broker CPU is utime + stime of the broker process from /proc/<pid>/stat over
            the measured window, divided by the messages (deliveries, for fanout) consumed in it.
            """;

    static String usage() {
        StringBuilder list = new StringBuilder();
        for (Scenario s : Scenario.values()) {
            StringBuilder line = new StringBuilder(String.format("  %-22s", s.id()));
            for (String word : s.description().split(" ")) {
                if (line.length() + 1 + word.length() > 110) {
                    list.append(line).append('\n');
                    line = new StringBuilder(" ".repeat(24));
                }
                line.append(' ').append(word);
            }
            list.append(line).append('\n');
        }
        return USAGE.formatted(list.toString().stripTrailing());
    }

    static PerfOptions parse(String... args) {
        List<Scenario> scenarios = List.of(Scenario.PERSISTENT_THROUGHPUT);
        BrokerKind target = BrokerKind.WHARF;
        HostPort external = null;
        boolean compare = false;
        Long pid = null;
        ClientEngine.Kind engine = ClientEngine.Kind.JMS;
        int size = DEFAULT_SIZE_BYTES;
        Integer producers = null;
        Integer consumers = null;
        Integer queues = null;
        int credit = DEFAULT_CREDIT;
        int window = DEFAULT_WINDOW;
        Double rate = null;
        int duration = DEFAULT_DURATION_SECONDS;
        int warmup = DEFAULT_WARMUP_SECONDS;
        int runs = 1;
        Path out = Path.of("wharf-perf-results");
        Path wharfJar = null;
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
        String jvmOptions = DEFAULT_BROKER_JVM_OPTIONS;
        boolean jfr = false;
        String user = null;
        String password = null;
        boolean help = false;

        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            switch (name) {
                case "-h", "--help" -> help = true;
                case "--jfr" -> jfr = true;
                case "--scenario" -> scenarios = Scenario.parseList(value(name, inline, rest));
                case "--broker" -> {
                    String v = value(name, inline, rest);
                    switch (v.toLowerCase(Locale.ROOT)) {
                        case "wharf" -> target = BrokerKind.WHARF;
                        case "artemis" -> target = BrokerKind.ARTEMIS;
                        default -> {
                            target = BrokerKind.EXTERNAL;
                            external = HostPort.parse(v);
                        }
                    }
                }
                case "--compare" -> {
                    String v = value(name, inline, rest);
                    if (!v.equalsIgnoreCase("artemis")) {
                        throw new IllegalArgumentException("--compare " + v + ": only artemis is supported");
                    }
                    compare = true;
                }
                case "--pid" -> pid = (long) parseInt(name, value(name, inline, rest), 1, Integer.MAX_VALUE);
                case "--engine" -> engine = ClientEngine.Kind.parse(value(name, inline, rest));
                case "--size" -> size = parseInt(name, value(name, inline, rest), 8, 64 * 1024 * 1024);
                case "--producers" -> producers = parseInt(name, value(name, inline, rest), 1, 10_000);
                case "--consumers" -> consumers = parseInt(name, value(name, inline, rest), 1, 10_000);
                case "--queues" -> queues = parseInt(name, value(name, inline, rest), 1, 100_000);
                case "--credit" -> credit = parseInt(name, value(name, inline, rest), 1, 1_000_000);
                case "--window" -> window = parseInt(name, value(name, inline, rest), 1, 1_000_000);
                case "--rate" -> rate = (double) parseInt(name, value(name, inline, rest), 1, 100_000_000);
                case "--duration" -> duration = parseInt(name, value(name, inline, rest), 1, 86_400);
                case "--warmup" -> warmup = parseInt(name, value(name, inline, rest), 0, 86_400);
                case "--runs" -> runs = parseInt(name, value(name, inline, rest), 1, 1_000);
                case "--out" -> out = Path.of(value(name, inline, rest));
                case "--wharf-jar" -> wharfJar = Path.of(value(name, inline, rest));
                case "--work-dir" -> workDir = Path.of(value(name, inline, rest));
                case "--broker-jvm-opts" -> jvmOptions = value(name, inline, rest);
                case "--user" -> user = value(name, inline, rest);
                case "--password" -> password = value(name, inline, rest);
                default -> throw new IllegalArgumentException("unknown option '" + arg + "' (see --help)");
            }
        }
        if (compare && target == BrokerKind.EXTERNAL) {
            throw new IllegalArgumentException("--compare artemis runs the brokers wharf-perf starts itself; "
                    + "leave out --broker host:port");
        }
        if (compare && target == BrokerKind.ARTEMIS) {
            throw new IllegalArgumentException("--compare artemis already runs Artemis beside Wharf");
        }
        if (pid != null && target != BrokerKind.EXTERNAL) {
            throw new IllegalArgumentException("--pid is for --broker host:port; the brokers wharf-perf starts "
                    + "are sampled anyway");
        }
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("--user and --password go together");
        }
        List<BrokerKind> brokers = compare ? List.of(BrokerKind.WHARF, BrokerKind.ARTEMIS) : List.of(target);
        return new PerfOptions(scenarios, brokers, external, pid, engine, size, producers, consumers, queues, credit,
                window, rate, duration, warmup, runs, out, wharfJar, workDir, jvmOptions, jfr, user, password, help);
    }

    boolean comparing() {
        return brokers.contains(BrokerKind.WHARF) && brokers.contains(BrokerKind.ARTEMIS);
    }

    private static String value(String name, String inline, List<String> rest) {
        if (inline != null) {
            return inline;
        }
        if (rest.isEmpty() || (rest.get(0).startsWith("--") && rest.get(0).length() > 2)) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return rest.remove(0);
    }

    static int parseInt(String name, String value, int min, int max) {
        long parsed;
        try {
            parsed = Long.parseLong(value.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " " + value + ": not a whole number");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(name + " " + value + ": must be between " + min + " and " + max);
        }
        return (int) parsed;
    }
}
