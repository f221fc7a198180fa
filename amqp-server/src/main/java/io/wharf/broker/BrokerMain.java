package io.wharf.broker;

import io.wharf.broker.config.BrokerConfig;
import io.wharf.broker.config.ConfigException;
import io.wharf.broker.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * Command line entry: {@code wharf [config-file]} runs the broker in the foreground until SIGTERM / Ctrl-C;
 * {@code wharf hash-password [password]} prints a password hash for {@code auth.users};
 * {@code wharf ctl ...} is {@link WharfCtlCommand} ({@code bin/wharfctl}).
 * The configuration file is the argument, else {@code $WHARF_CONF}, else {@code conf/wharf.yaml}.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("hash-password")) {
            HashPasswordCommand.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("ctl")) {
            WharfCtlCommand.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Path file = Path.of(args.length > 0 ? args[0]
                : System.getenv().getOrDefault("WHARF_CONF", "conf/wharf.yaml"));
        BrokerConfig config;
        try {
            config = Files.exists(file) ? ConfigLoader.load(file, System.getenv())
                    : ConfigLoader.parse("", System.getenv());
        } catch (ConfigException e) {
            System.err.println("wharf: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (!Files.exists(file)) {
            System.err.println("wharf: " + file + " not found; starting with the built-in defaults");
        }
        Broker broker = Broker.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "wharf-shutdown"));
        stopped.await();
    }
}
