package io.wharf.bench.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.bench.perf.ScenarioResult.Latency;
import io.wharf.bench.perf.ScenarioResult.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static ScenarioResult ok(String scenario, String broker, int run, double rate, double cpuMicros,
                                     double p99) {
        double target = scenario.equals("latency") ? 5_000 : 0;
        return new ScenarioResult(scenario, broker, "qpid-jms", run, Status.OK, "", "settings of " + scenario, target,
                20,
                (long) (rate * 20), rate, rate, 0, cpuMicros, 90, 110, new Latency(p99 / 3, p99 / 2, p99, p99 * 1.5,
                p99 * 2));
    }

    @Test
    void theMedianRunIsTheOneWithTheMedianRate() {
        List<ScenarioResult> runs = List.of(
                ok("persistent-throughput", "Wharf", 1, 30_000, 20, 5),
                ok("persistent-throughput", "Wharf", 2, 10_000, 40, 9),
                ok("persistent-throughput", "Wharf", 3, 20_000, 30, 7),
                ok("persistent-throughput", "Artemis", 1, 15_000, 59, 8));
        List<ScenarioResult> medians = Report.medians(runs);
        assertEquals(2, medians.size());
        assertEquals(3, medians.get(0).run());
        assertEquals("Artemis", medians.get(1).broker());
    }

    @Test
    void latencyRunsAreRankedByP99AndFailedRunsAreLeftOut() {
        List<ScenarioResult> runs = List.of(
                ok("latency", "Wharf", 1, 5_000, 20, 9),
                ScenarioResult.notRun("latency", "Wharf", "qpid-jms", 2, Status.FAILED, "boom", ""),
                ok("latency", "Wharf", 3, 5_000, 20, 3));
        assertEquals(3, Report.medians(runs).get(0).run()); // lower median of (3, 9)
    }

    @Test
    void comparisonRowsCarryRatiosAndSayWhatIsNotSupported() {
        List<ScenarioResult> medians = List.of(
                ok("persistent-throughput", "Wharf", 1, 19_890, 19.7, 4.2),
                ok("persistent-throughput", "Artemis", 1, 15_300, 59, 7.6),
                ScenarioResult.notRun("fanout", "Wharf", "qpid-jms", 1, Status.NOT_SUPPORTED, "no topics", ""),
                ok("fanout", "Artemis", 1, 27_300, 12.5, 30));
        String table = Report.comparisonTable(medians);
        String[] lines = table.split("\n");
        assertEquals(4, lines.length);
        assertEquals("| persistent-throughput | 19,890 | 15,300 | 1.30× | 19.7 | 59.0 | 0.33× "
                + "| 1.40 / 4.20 / 6.30 | 2.53 / 7.60 / 11.4 |", lines[2]);
        assertEquals("| fanout | not supported yet | 27,300 |  |  | 12.5 |  |  | 10.0 / 30.0 / 45.0 |", lines[3]);
        assertEquals("persistent-throughput: Wharf 19,890 vs Artemis 15,300 msg/s = 1.30×; broker CPU 19.7 vs 59.0 "
                + "µs/msg = 0.33×; p99 4.20 vs 7.60 ms", Report.ratioLine(medians.get(0), medians.get(1)));
    }

    @Test
    void atAFixedRateTheLatencyIsTheComparisonNotTheRate() {
        String table = Report.comparisonTable(List.of(ok("latency", "Wharf", 1, 5_010, 30, 4.5),
                ok("latency", "Artemis", 1, 6_020, 60, 7.6)));
        assertEquals("| latency | 5,010 | 6,020 | fixed rate | 30.0 | 60.0 | 0.50× | 1.50 / 4.50 / 6.75 "
                + "| 2.53 / 7.60 / 11.4 |", table.split("\n")[2]);
    }

    @Test
    void resultRowsFormatRatesCpuAndLatency() {
        String table = Report.resultsTable(List.of(ok("fanout", "Artemis", 1, 27_300.4, 8.1234, 0.5),
                ScenarioResult.notRun("stream-replay", "Wharf", "qpid-jms", 1, Status.NOT_AVAILABLE, "", "")));
        String[] lines = table.split("\n");
        assertEquals("| fanout | Artemis | 27,300 deliveries | 8.12 | 90 % | 110 % | 0.167 | 0.500 | 0.750 | 1.00 |",
                lines[2]);
        assertEquals("| stream-replay | Wharf | not available yet | | | | | | | |", lines[3]);
    }

    @Test
    void jsonEscapesStringsAndWritesNaNAsNull() {
        ScenarioResult failed = ScenarioResult.notRun("latency", "Wharf", "qpid-jms", 1, Status.FAILED,
                "said \"no\"\nthen left", "s");
        PerfOptions options = PerfOptions.parse("--compare", "artemis");
        Report.Environment env = new Report.Environment("bench/wharf-perf --compare artemis", "2026-01-01T00:00:00Z",
                2, "AMD EPYC", "Linux 6", "17.0.15", "0.1.0", "2.55.0", "0.5 -> 1.2");
        String json = Report.json(env, options, List.of(failed, ok("latency", "Artemis", 1, 5_000, 59.25, 7.6)));
        assertTrue(json.contains("\"note\": \"said \\\"no\\\"\\nthen left\""), json);
        assertTrue(json.contains("\"deliveredPerSecond\": null"), json);
        assertTrue(json.contains("\"latencyMs\": null"), json);
        assertTrue(json.contains("\"brokerCpuMicrosPerMessage\": 59.25"), json);
        assertTrue(json.contains("\"p99\": 7.6"), json);
        assertTrue(json.startsWith("{\n  \"tool\": \"wharf-perf\",\n  \"command\": "), json);
        assertTrue(json.endsWith("\n}"), json);
    }
}
