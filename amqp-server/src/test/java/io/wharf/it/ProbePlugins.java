package io.wharf.it;

import io.wharf.broker.plugin.PluginJarCompiler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Plugin jars built at test time (compiled against the plugin API alone, packed with their service file) for
 * {@link PluginJarIT}: {@code probe} uses every extension point and writes what it sees to the file named by its
 * {@code file} setting; {@code faulty} has an interceptor that throws on every call.
 */
final class ProbePlugins {

    private ProbePlugins() {
    }

    /** Writes {@code probe.jar} and {@code faulty.jar} into {@code pluginsDir}. */
    static void build(Path workDir, Path pluginsDir) throws IOException {
        PluginJarCompiler compiler = new PluginJarCompiler(workDir);
        compiler.write(pluginsDir, "probe.jar", List.of("probe.ProbePlugin"), Map.of("probe.ProbePlugin", PROBE));
        compiler.write(pluginsDir, "faulty.jar", List.of("faulty.FaultyPlugin"),
                Map.of("faulty.FaultyPlugin", FAULTY));
    }

    /**
     * Interceptor lines: {@code publish <address> <message-id>}, {@code route <exchange> <key> <queues,...>},
     * {@code deliver <queue> <message-id>}, {@code settle <queue> <outcome>}; events: {@code event <name> <detail>}.
     * Settings: {@code file}, {@code reject-subject} (refuse such messages), {@code users} (name -> password, accepted
     * with the monitoring tag; {@code mallory} is refused; others abstain), {@code forbidden-prefix} (no read or
     * configure on queues with that prefix). Provides exchange type {@code x-suffix}: a message goes through the
     * bindings whose key ends its routing key.
     */
    private static final String PROBE = """
            package probe;

            import io.wharf.plugin.*;
            import java.nio.charset.StandardCharsets;
            import java.nio.file.*;
            import java.util.*;
            import java.util.concurrent.*;

            public class ProbePlugin implements WharfPlugin {
                private ExecutorService writer;
                private Path file;

                public String name() {
                    return "probe";
                }

                public void start(PluginContext context) {
                    Map<String, Object> settings = context.settings();
                    file = Path.of((String) settings.get("file"));
                    writer = Executors.newSingleThreadExecutor();
                    String rejectSubject = (String) settings.get("reject-subject");
                    // The interceptor must not block: it hands each line to the writer thread.
                    context.addInterceptor(new MessageInterceptor() {
                        public Verdict onPublish(Publish p) {
                            write("publish " + p.address() + " " + p.message().messageId());
                            if (rejectSubject != null && rejectSubject.equals(p.message().subject())) {
                                return Verdict.reject("wharf-test:refused", "probe refuses subject " + rejectSubject);
                            }
                            return Verdict.PASS;
                        }

                        public void onRoute(Route r) {
                            write("route " + r.exchange() + " " + r.routingKey() + " " + String.join(",", r.queues()));
                        }

                        public void onDeliver(Deliver d) {
                            write("deliver " + d.queue() + " " + d.message().messageId());
                        }

                        public void onSettle(Settle s) {
                            write("settle " + s.queue() + " " + s.outcome());
                        }
                    });
                    Object users = settings.get("users");
                    if (users instanceof Map<?, ?> passwords) {
                        context.addAuthenticationProvider((user, password, remote) -> {
                            if (user.equals("mallory")) {
                                return AuthenticationProvider.Result.refuse();
                            }
                            Object expected = passwords.get(user);
                            if (expected == null) {
                                return AuthenticationProvider.Result.abstain();
                            }
                            return String.valueOf(expected).equals(new String(password))
                                    ? AuthenticationProvider.Result.accept(user, Set.of("monitoring"))
                                    : AuthenticationProvider.Result.refuse();
                        });
                    }
                    String forbidden = (String) settings.get("forbidden-prefix");
                    if (forbidden != null) {
                        context.addAuthorizationProvider(request -> !(request.kind() == AuthorizationProvider.Resource.QUEUE
                                && request.name().startsWith(forbidden)
                                && request.access() != AuthorizationProvider.Access.WRITE));
                    }
                    context.addExchangeType(new ExchangeTypeProvider() {
                        public String type() {
                            return "x-suffix";
                        }

                        public void checkBinding(ExchangeBinding binding) {
                            if (binding.bindingKey().isEmpty()) {
                                throw new IllegalArgumentException("an x-suffix binding needs a non-empty key");
                            }
                        }

                        public Router router(String vhost, String exchange, Map<String, Object> arguments) {
                            return (key, headers, bindings, matched) -> {
                                for (ExchangeBinding b : bindings) {
                                    if (key.endsWith(b.bindingKey())) {
                                        matched.accept(b);
                                    }
                                }
                            };
                        }
                    });
                    context.addEventListener(new BrokerEventListener() {
                        public void brokerStarted(String version) {
                            write("event brokerStarted " + version);
                        }

                        public void queueDeclared(QueueEvent queue) {
                            write("event queueDeclared " + queue.name());
                        }

                        public void exchangeDeclared(ExchangeEvent exchange) {
                            write("event exchangeDeclared " + exchange.name() + " " + exchange.type());
                        }

                        public void bindingAdded(BindingEvent binding) {
                            write("event bindingAdded " + binding.source() + " " + binding.destination());
                        }

                        public void consumerAttached(ConsumerEvent consumer) {
                            write("event consumerAttached " + consumer.queue());
                        }

                        public void consumerDetached(ConsumerEvent consumer) {
                            write("event consumerDetached " + consumer.queue());
                        }
                    });
                }

                private void write(String line) {
                    writer.execute(() -> {
                        try {
                            Files.writeString(file, line + "\\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                                    StandardOpenOption.APPEND);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                }

                public void stop() throws Exception {
                    writer.shutdown();
                    writer.awaitTermination(5, TimeUnit.SECONDS);
                }
            }
            """;

    private static final String FAULTY = """
            package faulty;

            import io.wharf.plugin.*;

            public class FaultyPlugin implements WharfPlugin {
                public String name() {
                    return "faulty";
                }

                public void start(PluginContext context) {
                    context.addInterceptor(new MessageInterceptor() {
                        public Verdict onPublish(Publish p) {
                            throw new IllegalStateException("faulty on purpose");
                        }

                        public void onDeliver(Deliver d) {
                            throw new IllegalStateException("faulty on purpose");
                        }
                    });
                }
            }
            """;
}
