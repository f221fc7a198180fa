package io.wharf.bench.perf;

import io.wharf.bench.perf.ScenarioResult.Latency;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Results as Markdown tables and as JSON. With several runs of a scenario on a broker, the tables show the
 * median run: the run with the median rate (the median p99 for the latency scenario), all its figures together.
 */
final class Report {

    /**
     * Where and how the results were measured; {@code loadAverage} is /proc/loadavg's 1-minute figure at the start
     * and at the end, since other work on the machine moves the figures.
     */
    record Environment(String command, String date, int cores, String cpuModel, String os, String jdk,
                       String wharfVersion, String artemisVersion, String loadAverage) {
    }

    private Report() {
    }

    /** The median run of every (scenario, broker), in the order they first appear. */
    static List<ScenarioResult> medians(List<ScenarioResult> results) {
        Map<String, List<ScenarioResult>> groups = new LinkedHashMap<>();
        for (ScenarioResult r : results) {
            groups.computeIfAbsent(r.scenario() + "\u0000" + r.broker(), k -> new ArrayList<>()).add(r);
        }
        List<ScenarioResult> medians = new ArrayList<>();
        for (List<ScenarioResult> group : groups.values()) {
            List<ScenarioResult> ok = group.stream().filter(ScenarioResult::ok).toList();
            if (ok.isEmpty()) {
                medians.add(group.get(0));
                continue;
            }
            boolean latency = ok.get(0).scenario().equals(Scenario.LATENCY.id());
            Comparator<ScenarioResult> order = latency
                    ? Comparator.comparingDouble(r -> r.latency() == null ? Double.MAX_VALUE : r.latency().p99())
                    : Comparator.comparingDouble(ScenarioResult::deliveredPerSecond);
            List<ScenarioResult> sorted = ok.stream().sorted(order).toList();
            medians.add(sorted.get((sorted.size() - 1) / 2));
        }
        return medians;
    }

    /** One row per scenario and broker. */
    static String resultsTable(List<ScenarioResult> medians) {
        StringBuilder md = new StringBuilder();
        md.append("| scenario | broker | msg/s | broker CPU µs/msg | broker CPU | client CPU "
                + "| p50 ms | p99 ms | p99.9 ms | max ms |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ScenarioResult r : medians) {
            if (!r.ok()) {
                md.append(String.format("| %s | %s | %s | | | | | | | |%n", r.scenario(), r.broker(),
                        r.status().text()));
                continue;
            }
            Latency l = r.latency();
            md.append(String.format("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.scenario(), r.broker(),
                    rate(r.deliveredPerSecond()) + (r.scenario().equals(Scenario.FANOUT.id()) ? " deliveries" : ""),
                    decimal(r.brokerCpuMicrosPerMessage()), percent(r.brokerCpuPercent()),
                    percent(r.clientCpuPercent()), l == null ? "" : millis(l.p50()), l == null ? "" : millis(l.p99()),
                    l == null ? "" : millis(l.p999()), l == null ? "" : millis(l.max())));
        }
        return md.toString();
    }

    /** Wharf beside Artemis, scenario by scenario, with the ratios. */
    static String comparisonTable(List<ScenarioResult> medians) {
        StringBuilder md = new StringBuilder();
        md.append("| scenario | Wharf msg/s | Artemis msg/s | Wharf ÷ Artemis | Wharf CPU µs/msg "
                + "| Artemis CPU µs/msg | Wharf ÷ Artemis | Wharf p50 / p99 / p99.9 ms | Artemis p50 / p99 / p99.9 ms |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String scenario : scenarios(medians)) {
            ScenarioResult w = find(medians, scenario, PerfOptions.BrokerKind.WHARF.label());
            ScenarioResult a = find(medians, scenario, PerfOptions.BrokerKind.ARTEMIS.label());
            if (w == null || a == null) {
                continue;
            }
            md.append(String.format("| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", scenario, headline(w),
                    headline(a), rateRatio(w, a),
                    w.ok() ? decimal(w.brokerCpuMicrosPerMessage()) : "", a.ok() ? decimal(a.brokerCpuMicrosPerMessage())
                            : "", ratio(w, a, ScenarioResult::brokerCpuMicrosPerMessage), latencies(w),
                    latencies(a)));
        }
        return md.toString();
    }

    /** One line per scenario: the ratios, for the console as each scenario finishes. */
    static String ratioLine(ScenarioResult wharf, ScenarioResult artemis) {
        if (!wharf.ok() || !artemis.ok()) {
            return String.format("%s: Wharf %s, Artemis %s", wharf.scenario(), headline(wharf), headline(artemis));
        }
        StringBuilder line = new StringBuilder(String.format("%s: Wharf %s vs Artemis %s msg/s = %s",
                wharf.scenario(), rate(wharf.deliveredPerSecond()), rate(artemis.deliveredPerSecond()),
                rateRatio(wharf, artemis)));
        if (!Double.isNaN(wharf.brokerCpuMicrosPerMessage()) && !Double.isNaN(artemis.brokerCpuMicrosPerMessage())) {
            line.append(String.format("; broker CPU %s vs %s µs/msg = %s", decimal(wharf.brokerCpuMicrosPerMessage()),
                    decimal(artemis.brokerCpuMicrosPerMessage()),
                    ratio(wharf, artemis, ScenarioResult::brokerCpuMicrosPerMessage)));
        }
        if (wharf.latency() != null && artemis.latency() != null) {
            line.append(String.format("; p99 %s vs %s ms", millis(wharf.latency().p99()),
                    millis(artemis.latency().p99())));
        }
        return line.toString();
    }

    static String markdown(Environment env, PerfOptions options, List<ScenarioResult> results) {
        List<ScenarioResult> medians = medians(results);
        StringBuilder md = new StringBuilder();
        md.append(String.format("wharf-perf, %s client, %d s measured after %d s warm-up per scenario and broker%s.%n",
                options.engine().label(), options.durationSeconds(), options.warmupSeconds(),
                options.runs() > 1 ? ", median of " + options.runs() + " runs" : ""));
        md.append(String.format("Machine: %d cores (%s), %s, JDK %s; load average %s. %s%n%n", env.cores(),
                env.cpuModel(), env.os(), env.jdk(), env.loadAverage(), env.date()));
        if (options.comparing()) {
            md.append(comparisonTable(medians)).append('\n');
        }
        md.append(resultsTable(medians)).append('\n');
        md.append("Settings:\n\n");
        for (String scenario : scenarios(medians)) {
            ScenarioResult any = medians.stream().filter(r -> r.scenario().equals(scenario)).findFirst().orElseThrow();
            md.append("- ").append(scenario).append(": ").append(any.settings()).append('\n');
        }
        List<ScenarioResult> notes = medians.stream().filter(r -> !r.note().isEmpty()).toList();
        if (!notes.isEmpty()) {
            md.append("\nNotes:\n\n");
            for (ScenarioResult r : notes) {
                md.append("- ").append(r.scenario()).append(" on ").append(r.broker()).append(": ").append(r.note())
                        .append('\n');
            }
        }
        return md.toString();
    }

    static String json(Environment env, PerfOptions options, List<ScenarioResult> results) {
        Json j = new Json();
        j.open('{');
        j.field("tool").string("wharf-perf");
        j.field("command").string(env.command());
        j.field("date").string(env.date());
        j.field("machine").open('{');
        j.field("cores").number(env.cores());
        j.field("cpu").string(env.cpuModel());
        j.field("os").string(env.os());
        j.field("jdk").string(env.jdk());
        j.field("loadAverage").string(env.loadAverage());
        j.close('}');
        j.field("versions").open('{');
        j.field("wharf").string(env.wharfVersion());
        j.field("artemis").string(env.artemisVersion());
        j.close('}');
        j.field("engine").string(options.engine().label());
        j.field("durationSeconds").number(options.durationSeconds());
        j.field("warmupSeconds").number(options.warmupSeconds());
        j.field("runs").number(options.runs());
        j.field("results").open('[');
        for (ScenarioResult r : results) {
            result(j, r);
        }
        j.close(']');
        j.field("medians").open('[');
        for (ScenarioResult r : medians(results)) {
            result(j, r);
        }
        j.close(']');
        j.close('}');
        return j.toString();
    }

    private static void result(Json j, ScenarioResult r) {
        j.element().open('{');
        j.field("scenario").string(r.scenario());
        j.field("broker").string(r.broker());
        j.field("engine").string(r.engine());
        j.field("run").number(r.run());
        j.field("status").string(r.status().name().toLowerCase(Locale.ROOT));
        j.field("note").string(r.note());
        j.field("settings").string(r.settings());
        j.field("targetRatePerSecond").number(r.targetRatePerSecond());
        j.field("seconds").number(r.seconds());
        j.field("delivered").number(r.delivered());
        j.field("deliveredPerSecond").number(r.deliveredPerSecond());
        j.field("confirmedPerSecond").number(r.confirmedPerSecond());
        j.field("refused").number(r.refused());
        j.field("brokerCpuMicrosPerMessage").number(r.brokerCpuMicrosPerMessage());
        j.field("brokerCpuPercent").number(r.brokerCpuPercent());
        j.field("clientCpuPercent").number(r.clientCpuPercent());
        j.field("latencyMs");
        Latency l = r.latency();
        if (l == null) {
            j.raw("null");
        } else {
            j.open('{');
            j.field("p50").number(l.p50());
            j.field("p90").number(l.p90());
            j.field("p99").number(l.p99());
            j.field("p999").number(l.p999());
            j.field("max").number(l.max());
            j.close('}');
        }
        j.close('}');
    }

    private static List<String> scenarios(List<ScenarioResult> results) {
        return results.stream().map(ScenarioResult::scenario).distinct().toList();
    }

    private static ScenarioResult find(List<ScenarioResult> results, String scenario, String broker) {
        return results.stream().filter(r -> r.scenario().equals(scenario) && r.broker().equals(broker)).findFirst()
                .orElse(null);
    }

    private static String headline(ScenarioResult r) {
        return r.ok() ? rate(r.deliveredPerSecond()) : r.status().text();
    }

    private static String latencies(ScenarioResult r) {
        Latency l = r.latency();
        return !r.ok() || l == null ? "" : millis(l.p50()) + " / " + millis(l.p99()) + " / " + millis(l.p999());
    }

    /**
     * Wharf's rate over Artemis'; at a fixed send rate the rates only say how much backlog each worked off, so
     * there the latency columns are the comparison.
     */
    private static String rateRatio(ScenarioResult w, ScenarioResult a) {
        if (w.ok() && a.ok() && (w.targetRatePerSecond() > 0 || a.targetRatePerSecond() > 0)) {
            return "fixed rate";
        }
        return ratio(w, a, ScenarioResult::deliveredPerSecond);
    }

    private static String ratio(ScenarioResult w, ScenarioResult a, java.util.function.ToDoubleFunction<ScenarioResult> f) {
        if (!w.ok() || !a.ok()) {
            return "";
        }
        double x = f.applyAsDouble(w);
        double y = f.applyAsDouble(a);
        if (Double.isNaN(x) || Double.isNaN(y) || y == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "%.2f×", x / y);
    }

    static String rate(double perSecond) {
        return Double.isNaN(perSecond) ? "" : String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    static String decimal(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, value < 10 ? "%.2f" : "%.1f", value);
    }

    static String percent(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.0f %%", value);
    }

    /** Milliseconds with three significant digits at most. */
    static String millis(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        if (value >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, value >= 10 ? "%.1f" : value >= 1 ? "%.2f" : "%.3f", value);
    }

    /** A small JSON writer: enough for flat records, without a library. */
    static final class Json {

        private final StringBuilder out = new StringBuilder();
        private boolean first = true;
        private int depth;

        Json open(char bracket) {
            out.append(bracket);
            depth++;
            first = true;
            return this;
        }

        Json close(char bracket) {
            depth--;
            out.append('\n').append("  ".repeat(depth)).append(bracket);
            first = false;
            return this;
        }

        Json field(String name) {
            separate();
            quote(name);
            out.append(": ");
            return this;
        }

        Json element() {
            separate();
            return this;
        }

        Json string(String value) {
            if (value == null) {
                out.append("null");
            } else {
                quote(value);
            }
            return this;
        }

        Json number(double value) {
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                out.append("null");
            } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
                out.append((long) value);
            } else {
                out.append(String.format(Locale.ROOT, "%.4f", value).replaceAll("0+$", "").replaceAll("\\.$", ""));
            }
            return this;
        }

        Json raw(String text) {
            out.append(text);
            return this;
        }

        private void separate() {
            if (!first) {
                out.append(',');
            }
            out.append('\n').append("  ".repeat(depth));
            first = false;
        }

        private void quote(String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
