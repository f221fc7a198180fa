package io.wharf.store.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FsyncPolicyTest {

    @Test
    void parsesTheThreePolicies() {
        assertEquals(FsyncPolicy.BATCH, FsyncPolicy.parse("batch"));
        assertEquals(FsyncPolicy.NEVER, FsyncPolicy.parse("never"));
        assertEquals(FsyncPolicy.interval(50), FsyncPolicy.parse("interval:50"));
        assertEquals(FsyncPolicy.interval(1), FsyncPolicy.parse(" interval:1 "));
    }

    @Test
    void toStringParsesBack() {
        for (FsyncPolicy policy : new FsyncPolicy[] {FsyncPolicy.BATCH, FsyncPolicy.NEVER, FsyncPolicy.interval(250)}) {
            assertEquals(policy, FsyncPolicy.parse(policy.toString()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "Batch", "always", "interval", "interval:", "interval:0", "interval:-5",
            "interval:abc", "interval:5ms", "interval: 5", "interval:99999999999999999999999", "batch:10"})
    void refusesBadValuesNamingThem(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FsyncPolicy.parse(bad));
        assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }

    @Test
    void refusesNull() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FsyncPolicy.parse(null));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void intervalMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> FsyncPolicy.interval(0));
    }
}
