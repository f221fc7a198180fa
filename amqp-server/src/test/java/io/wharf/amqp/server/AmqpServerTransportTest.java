package io.wharf.amqp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class AmqpServerTransportTest {

    @Test
    void runsOnNativeEpollOnLinuxX8664() {
        String arch = System.getProperty("os.arch");
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && ("amd64".equals(arch) || "x86_64".equals(arch)),
                "the native epoll jar shipped is for Linux x86-64");
        assertEquals("epoll", AmqpServer.transportName());
    }
}
