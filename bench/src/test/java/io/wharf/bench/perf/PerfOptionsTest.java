package io.wharf.bench.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.bench.perf.PerfOptions.BrokerKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerfOptionsTest {

    @Test
    void defaultsRunPersistentThroughputOnWharfWithQpidJms() {
        PerfOptions o = PerfOptions.parse();
        assertEquals(List.of(Scenario.PERSISTENT_THROUGHPUT), o.scenarios());
        assertEquals(List.of(BrokerKind.WHARF), o.brokers());
        assertEquals(ClientEngine.Kind.JMS, o.engine());
        assertEquals(1024, o.sizeBytes());
        assertEquals(20, o.durationSeconds());
        assertEquals(20, o.warmupSeconds());
        assertEquals(1, o.runs());
        assertNull(o.producers());
        assertNull(o.ratePerSecond());
        assertFalse(o.comparing());
    }

    @Test
    void compareArtemisAllRunsWharfThenArtemisOverEveryScenario() {
        PerfOptions o = PerfOptions.parse("--compare", "artemis", "--scenario", "all");
        assertEquals(List.of(BrokerKind.WHARF, BrokerKind.ARTEMIS), o.brokers());
        assertEquals(List.of(Scenario.values()), o.scenarios());
        assertTrue(o.comparing());
    }

    @Test
    void valuesMayFollowAnEqualsSign() {
        PerfOptions o = PerfOptions.parse("--size=4096", "--duration=3", "--warmup=0", "--engine=lean",
                "--scenario=latency,fanout,latency", "--rate=20_000", "--out=/tmp/x");
        assertEquals(4096, o.sizeBytes());
        assertEquals(3, o.durationSeconds());
        assertEquals(0, o.warmupSeconds());
        assertEquals(ClientEngine.Kind.LEAN, o.engine());
        assertEquals(List.of(Scenario.LATENCY, Scenario.FANOUT), o.scenarios());
        assertEquals(20_000.0, o.ratePerSecond());
        assertEquals(Path.of("/tmp/x"), o.outDir());
    }

    @Test
    void anExternalBrokerIsHostAndPortWithAnOptionalPid() {
        PerfOptions o = PerfOptions.parse("--broker", "mq.example.com:5673", "--pid", "4242");
        assertEquals(List.of(BrokerKind.EXTERNAL), o.brokers());
        assertEquals(new PerfOptions.HostPort("mq.example.com", 5673), o.external());
        assertEquals(4242L, o.pid());
    }

    @Test
    void scenarioSettingsOverrideTheScenarioDefaults() {
        PerfOptions o = PerfOptions.parse("--consumers", "8", "--credit", "50");
        ScenarioPlan fanout = Scenario.FANOUT.plan(o);
        assertEquals(8, fanout.consumers());
        assertEquals(8, fanout.fanout());
        assertEquals(50, fanout.credit());
        ScenarioPlan latency = Scenario.LATENCY.plan(PerfOptions.parse());
        assertEquals(5_000, latency.ratePerSecond());
        assertEquals(100, Scenario.MANY_QUEUES.plan(PerfOptions.parse()).queues());
    }

    @Test
    void mistakesAreNamed() {
        assertMessage("unknown option '--sise' (see --help)", "--sise", "10");
        assertMessage("--size 4: must be between 8 and 67108864", "--size", "4");
        assertMessage("--duration ten: not a whole number", "--duration", "ten");
        assertMessage("--window needs a value", "--window");
        assertMessage("--window needs a value", "--window", "--size", "10");
        assertMessage("--compare rabbitmq: only artemis is supported", "--compare", "rabbitmq");
        assertMessage("--broker localhost: expected wharf, artemis or host:port", "--broker", "localhost");
        assertMessage("unknown scenario 'fast'; one of persistent-throughput, transient-throughput, latency, fanout, "
                + "many-queues, stream-replay or all", "--scenario", "fast");
        assertMessage("--user and --password go together", "--user", "guest");
        assertThrows(IllegalArgumentException.class, () -> PerfOptions.parse("--pid", "12"));
        assertThrows(IllegalArgumentException.class,
                () -> PerfOptions.parse("--compare", "artemis", "--broker", "localhost:5672"));
    }

    @Test
    void helpListsEveryScenario() {
        String usage = PerfOptions.usage();
        for (Scenario s : Scenario.values()) {
            assertTrue(usage.contains("  " + s.id() + " "), s.id());
        }
        assertTrue(usage.contains("NOT AVAILABLE YET"));
    }

    private static void assertMessage(String expected, String... args) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> PerfOptions.parse(args))
                .getMessage());
    }
}
