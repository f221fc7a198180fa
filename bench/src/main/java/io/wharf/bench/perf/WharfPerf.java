package io.wharf.bench.perf;

import io.wharf.bench.perf.PerfOptions.BrokerKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.utils.VersionLoader;

/**
 * wharf-perf: runs load scenarios against Wharf, Artemis or any AMQP 1.0 broker and reports rates, latency and
 * the broker's CPU per message. {@code bench/wharf-perf --help} lists everything; see {@link PerfOptions}.
 * With {@code --compare artemis} every scenario runs on a fresh Wharf and then on a fresh Artemis, alternately,
 * with the same client, settings and message bytes.
 */
public final class WharfPerf {

    private static final Pattern VERSION = Pattern.compile("(Wharf|Artemis) (\\S+)");

    private final PerfOptions options;
    private final String[] args;
    private final PrintStream out = System.out;
    private String wharfVersion = "";

    private WharfPerf(PerfOptions options, String[] args) {
        this.options = options;
        this.args = args;
    }

    public static void main(String[] args) throws Exception {
        PerfOptions options;
        try {
            options = PerfOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("wharf-perf: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(PerfOptions.usage());
            return;
        }
        System.exit(new WharfPerf(options, args).run());
    }

    private int run() throws IOException {
        Files.createDirectories(options.outDir());
        Path work = Files.createTempDirectory(Files.createDirectories(options.workDir()), "wharf-perf-");
        ClientEngine engine = options.engine().create();
        ScenarioRunner runner = new ScenarioRunner(engine, options, out);
        String loadBefore = loadAverage();
        String stamp = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_DATE_TIME);
        out.printf("wharf-perf: %s on %s with the %s client; %d s warm-up + %d s measured, %d run%s each%n",
                String.join(", ", options.scenarios().stream().map(Scenario::id).toList()),
                String.join(" and ", options.brokers().stream().map(this::describe).toList()),
                options.engine().label(), options.warmupSeconds(), options.durationSeconds(), options.runs(),
                options.runs() == 1 ? "" : "s");

        List<ScenarioResult> results = new ArrayList<>();
        try {
            for (Scenario scenario : options.scenarios()) {
                results.addAll(runScenario(scenario, runner, engine, work));
            }
        } finally {
            ForkedBroker.deleteRecursively(work);
        }

        Report.Environment env = environment(stamp, loadBefore + " at the start, " + loadAverage() + " at the end");
        String name = "wharf-perf-" + stamp.replace(":", "").replaceAll("[+].*|Z$", "");
        Path json = options.outDir().resolve(name + ".json");
        Path md = options.outDir().resolve(name + ".md");
        String markdown = Report.markdown(env, options, results);
        Files.writeString(json, Report.json(env, options, results) + "\n", StandardCharsets.UTF_8);
        Files.writeString(md, markdown, StandardCharsets.UTF_8);
        out.println();
        out.println(markdown);
        out.println("results: " + json + " and " + md);
        return results.stream().anyMatch(r -> r.status() == ScenarioResult.Status.FAILED) ? 1 : 0;
    }

    private List<ScenarioResult> runScenario(Scenario scenario, ScenarioRunner runner, ClientEngine engine,
                                             Path work) {
        List<ScenarioResult> results = new ArrayList<>();
        ScenarioPlan plan = scenario.plan(options);
        out.println();
        out.println("== " + scenario.id() + ": " + scenario.description());
        if (scenario.unavailableReason() != null) {
            out.println("   " + scenario.unavailableReason() + "; skipped");
            for (BrokerKind kind : options.brokers()) {
                results.add(ScenarioResult.notRun(scenario.id(), label(kind), engine.kind().label(), 1,
                        ScenarioResult.Status.NOT_AVAILABLE, scenario.unavailableReason(), plan.settings()));
            }
            return results;
        }
        out.println("   " + plan.settings());
        for (int run = 1; run <= options.runs(); run++) {
            // Every other run starts with the other broker, so that neither always goes first (the client JVM
            // warms up, the page cache fills, neighbours come and go).
            List<BrokerKind> order = new ArrayList<>(options.brokers());
            if (run % 2 == 0) {
                Collections.reverse(order);
            }
            for (BrokerKind kind : order) {
                results.add(runOnce(plan, kind, run, runner, engine, work));
            }
        }
        if (options.comparing()) {
            List<ScenarioResult> medians = Report.medians(results);
            ScenarioResult w = medians.stream().filter(r -> r.broker().equals(BrokerKind.WHARF.label())).findFirst()
                    .orElseThrow();
            ScenarioResult a = medians.stream().filter(r -> r.broker().equals(BrokerKind.ARTEMIS.label()))
                    .findFirst().orElseThrow();
            out.println("   => " + Report.ratioLine(w, a));
        }
        return results;
    }

    private ScenarioResult runOnce(ScenarioPlan plan, BrokerKind kind, int run, ScenarioRunner runner,
                                   ClientEngine engine, Path work) {
        String scenario = plan.scenario().id();
        BrokerUnderTest broker;
        try {
            broker = start(kind, work.resolve(kind.name().toLowerCase(Locale.ROOT) + "-" + scenario + "-" + run));
        } catch (Exception e) {
            out.printf("  %-8s %s: could not start the broker: %s%n", label(kind), scenario, e.getMessage());
            return ScenarioResult.notRun(scenario, label(kind), engine.kind().label(), run,
                    ScenarioResult.Status.FAILED, "broker did not start: " + e.getMessage(), plan.settings());
        }
        try {
            Path jfr = options.jfr() && broker instanceof ForkedBroker
                    ? options.outDir().toAbsolutePath().resolve(kind.name().toLowerCase(Locale.ROOT) + "-" + scenario
                    + "-run" + run + ".jfr") : null;
            return runner.run(plan, broker, run, jfr);
        } finally {
            broker.close();
        }
    }

    private BrokerUnderTest start(BrokerKind kind, Path dir) throws IOException {
        return switch (kind) {
            case WHARF -> {
                ForkedBroker broker = ForkedBroker.startWharf(wharfJar(), options.brokerJvmOptions(), dir);
                Matcher m = VERSION.matcher(broker.listeningLine());
                if (m.find()) {
                    wharfVersion = m.group(2);
                }
                yield broker;
            }
            case ARTEMIS -> ForkedBroker.startArtemis(options.brokerJvmOptions(), dir);
            case EXTERNAL -> new BrokerUnderTest.External(options.external().host(), options.external().port(),
                    options.pid());
        };
    }

    private String label(BrokerKind kind) {
        return kind == BrokerKind.EXTERNAL ? options.external().toString() : kind.label();
    }

    private String describe(BrokerKind kind) {
        return switch (kind) {
            case WHARF -> "Wharf (" + wharfJar() + ")";
            case ARTEMIS -> "Artemis " + artemisVersion();
            case EXTERNAL -> options.external() + (options.pid() != null ? " (pid " + options.pid() + ")"
                    : " (no --pid: no broker CPU figures)");
        };
    }

    private Path wharfJar() {
        if (options.wharfJar() != null) {
            return options.wharfJar();
        }
        return Path.of(System.getProperty("wharf.perf.home", ".")).resolve("amqp-server/target/wharf.jar");
    }

    private static String artemisVersion() {
        try {
            return VersionLoader.getVersion().getFullVersion();
        } catch (RuntimeException | LinkageError e) {
            return "";
        }
    }

    /** The 1-minute load average; empty where there is no /proc. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private Report.Environment environment(String date, String load) {
        String cpu = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("");
        } catch (IOException e) {
            // not Linux
        }
        String command = "bench/wharf-perf " + String.join(" ", args);
        String commit = gitCommit();
        return new Report.Environment(command.trim(), date, Runtime.getRuntime().availableProcessors(), cpu,
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")",
                options.brokers().contains(BrokerKind.WHARF) ? (wharfVersion + " " + commit).trim() : "",
                options.brokers().contains(BrokerKind.ARTEMIS) ? artemisVersion() : "", load);
    }

    /** The repository's commit, so that a result can be tied to the code it measured. */
    private static String gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "-C", System.getProperty("wharf.perf.home", "."), "rev-parse",
                    "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 ? "(commit " + out + ")" : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
