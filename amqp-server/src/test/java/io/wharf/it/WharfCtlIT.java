package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code wharfctl} against a running broker's management API: users, tags, permissions, queues, errors. */
@Timeout(120)
class WharfCtlIT {

    @TempDir
    Path dataDir;
    private RunningBroker broker;
    private Map<String, String> env;

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, HttpApi.YAML);
        env = Map.of("WHARF_HTTP_PORT", String.valueOf(broker.broker().httpPort()));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private record Result(int status, String out, String err) {
    }

    private Result ctl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 4];
        all[0] = "--user";
        all[1] = "alice";
        all[2] = "--password";
        all[3] = "secret";
        System.arraycopy(args, 0, all, 4, args.length);
        int status = io.wharf.broker.WharfCtlCommand.run(all, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void usersTagsAndPasswords() {
        assertEquals(0, ctl("add-user", "bob", "pw1", "management").status());
        Result users = ctl("list-users");
        assertEquals(0, users.status());
        assertTrue(users.out().contains("bob\t[management]"), users.out());
        assertTrue(broker.broker().users().authenticate("bob", "pw1".toCharArray(), null).isPresent());

        assertEquals(0, ctl("set-user-tags", "bob", "administrator", "monitoring").status());
        assertEquals(java.util.Set.of("administrator", "monitoring"),
                broker.broker().users().user("bob").orElseThrow().tags());
        assertTrue(broker.broker().users().authenticate("bob", "pw1".toCharArray(), null).isPresent(),
                "tags change, the password stays");

        assertEquals(0, ctl("change-password", "bob", "pw2").status());
        assertTrue(broker.broker().users().authenticate("bob", "pw2".toCharArray(), null).isPresent());
        assertEquals(java.util.Set.of("administrator", "monitoring"),
                broker.broker().users().user("bob").orElseThrow().tags(), "a new password keeps the tags");

        assertEquals(0, ctl("delete-user", "bob").status());
        Result again = ctl("delete-user", "bob");
        assertEquals(1, again.status());
        assertTrue(again.err().contains("user 'bob' not found"), again.err());
        assertEquals(1, ctl("change-password", "nobody", "x").status());
    }

    @Test
    void permissionsAndQueues() throws Exception {
        ctl("add-user", "bob", "pw");
        assertEquals(0, ctl("set-permissions", "bob", "^bob-.*", ".*", ".*").status());
        Result list = ctl("list-permissions");
        assertTrue(list.out().contains("bob\t^bob-.*\t.*\t.*"), list.out());
        Result noVhost = ctl("--vhost", "nowhere", "set-permissions", "bob", ".*", ".*", ".*");
        assertEquals(1, noVhost.status());
        assertTrue(noVhost.err().contains("vhost 'nowhere' not found"), noVhost.err());
        assertEquals(0, ctl("clear-permissions", "bob").status());
        assertTrue(!ctl("list-permissions").out().contains("bob"));
        assertEquals(1, ctl("clear-permissions", "bob").status());

        HttpApi api = new HttpApi(broker.broker().httpPort(), "alice", "secret");
        api.put("/api/queues/%2F/jobs", "{}");
        api.post("/api/exchanges/%2F//publish", "{\"routing_key\":\"jobs\",\"payload\":\"x\"}");
        Result queues = ctl("list-queues");
        assertEquals(0, queues.status());
        assertTrue(queues.out().contains("jobs\tclassic\t1\t0"), queues.out());
        assertEquals(1, ctl("-p", "nowhere", "list-queues").status());
    }

    @Test
    void badUsageWrongLoginAndNoBroker() {
        assertEquals(2, ctl("add-user", "onlyname").status());
        assertEquals(2, ctl("frobnicate").status());
        assertEquals(2, ctl("--port", "seventy", "list-users").status());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = io.wharf.broker.WharfCtlCommand.run(new String[] {"--user", "alice", "--password", "wrong", "list-users"},
                env, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("login refused"), err.toString());
        int closed = io.wharf.broker.WharfCtlCommand.run(new String[] {"--port", "1", "list-users"}, Map.of(),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
        assertEquals(3, closed);
    }

    /** The shipped script runs the same command from the broker jar (built by the package phase before ITs). */
    @Test
    void binWharfctlScript() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path script = root.resolve("bin/wharfctl");
        assertTrue(Files.isExecutable(script), script + " should be executable");
        assertTrue(Files.exists(root.resolve("amqp-server/target/wharf.jar")), "the package phase builds wharf.jar");
        ProcessBuilder builder = new ProcessBuilder(script.toString(), "--user", "alice", "--password", "secret",
                "add-user", "scripted", "pw", "monitoring").redirectErrorStream(true);
        builder.environment().put("WHARF_HTTP_PORT", String.valueOf(broker.broker().httpPort()));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("Added user scripted"), output);
        assertTrue(broker.broker().users().user("scripted").isPresent());
    }
}
