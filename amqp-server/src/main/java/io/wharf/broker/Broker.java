package io.wharf.broker;

import io.wharf.amqp.engine.Backpressure;
import io.wharf.amqp.engine.Connections;
import io.wharf.amqp.engine.EngineContext;
import io.wharf.amqp.engine.TransactionSupport;
import io.wharf.amqp.engine.VirtualHost;
import io.wharf.amqp.sasl.SaslAuthenticator;
import io.wharf.amqp.server.AmqpServer;
import io.wharf.amqp.stats.BrokerCounters;
import io.wharf.broker.admin.Administration;
import io.wharf.broker.config.BrokerConfig;
import io.wharf.broker.http.HttpServer;
import io.wharf.broker.plugin.PluginHost;
import io.wharf.broker.plugin.PluginServices;
import io.wharf.broker.security.AccessControl;
import io.wharf.broker.security.ConnectionLimits;
import io.wharf.broker.security.PluginAuthentication;
import io.wharf.broker.security.Security;
import io.wharf.broker.security.StoredUsers;
import io.wharf.broker.security.TlsContexts;
import io.wharf.exchange.ExchangeTypes;
import io.wharf.exchange.Topology;
import io.wharf.plugin.UserAdmin;
import io.wharf.store.DiskQueueStorage;
import io.wharf.store.DiskSpace;
import io.wharf.store.log.FsyncPolicy;
import io.wharf.store.log.LogConfig;
import io.wharf.store.log.LogWriter;
import io.wharf.store.log.LogWriterConfig;
import io.wharf.store.meta.MetadataStore;
import io.wharf.store.meta.UserStore;
import io.wharf.store.queue.MemoryQueueLog;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueRegistry;
import io.wharf.store.queue.QueueThreads;
import io.wharf.store.tx.DedupWindows;
import io.wharf.store.tx.TxJournal;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.qpid.proton.amqp.Symbol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running broker: wires configuration to the store, routing, the AMQP server and plugins, and takes them down
 * in reverse order. {@link BrokerMain} runs one from the command line; tests start one on port 0.
 */
public final class Broker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    /** Wharf's own version, reported as {@code wharf-version}. */
    public static final String VERSION = "0.1.0";
    /**
     * The RabbitMQ AMQP 1.0 behaviour level Wharf implements, reported as {@code version} because the RabbitMQ
     * AMQP 1.0 Java client refuses brokers below 4.0.0.
     */
    public static final String RABBITMQ_COMPATIBILITY_VERSION = "4.1.0";

    private final BrokerConfig config;
    private final QueueThreads queueThreads;
    private final LogWriter logWriter;
    private final DiskQueueStorage storage;
    private final TxJournal journal;
    private final QueueRegistry queues;
    private final Topology topology;
    private final VirtualHostRegistry vhosts;
    private final DiskSpace diskSpace;
    private final ScheduledExecutorService timer;
    private final ExecutorService hashing;
    private final PluginHost plugins;
    private final StoredUsers users;
    private final UserStore userStore;
    private final AmqpServer server;
    private final HttpServer http;
    private final Administration admin;
    private boolean closed;

    private Broker(BrokerConfig config) throws Exception {
        this.config = config;
        int cores = Runtime.getRuntime().availableProcessors();
        Files.createDirectories(config.dataDir());
        MetadataStore metadata = MetadataStore.open(config.dataDir());
        logWriter = LogWriter.start(LogWriterConfig.defaults().withFsyncPolicy(config.store().fsync()));
        storage = new DiskQueueStorage(config.dataDir(),
                LogConfig.defaults().withSegmentSizeBytes(config.store().segmentSizeBytes()), logWriter, metadata);
        // Before any queue opens: each queue log applies the commits the journal recovered for it.
        journal = TxJournal.open(config.dataDir(), config.store().fsync().kind() != FsyncPolicy.Kind.NEVER);
        storage.useJournal(journal);
        queueThreads = new QueueThreads(cores);
        ExchangeTypes exchangeTypes = new ExchangeTypes();
        vhosts = new VirtualHostRegistry(queueThreads, storage, config.queues(), exchangeTypes,
                config.limits().maxQueuesPerVhost());
        List<QueueDefinition> durable = storage.recoverableQueues();
        vhosts.recover(config.vhosts(), metadata.vhosts(), durable, metadata.exchanges(), metadata.bindings());
        ConfiguredQueues.declare(vhosts, config.queues().declared());
        if (!durable.isEmpty()) {
            LOG.info("Recovering {} durable queues from {}", durable.size(), config.dataDir());
        }
        VirtualHost defaultVhost = vhosts.get(VirtualHostRegistry.DEFAULT_VHOST);
        queues = defaultVhost.topology().queues();
        topology = defaultVhost.topology();
        diskSpace = new DiskSpace(config.dataDir(), config.store().minFreeDiskBytes());
        diskSpace.check();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wharf-timer");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(diskSpace::check, 1, 1, TimeUnit.SECONDS);
        MemoryAlarm memory = new MemoryAlarm(config.limits().memoryHighWatermarkPercent(), MemoryQueueLog::heldBytes);
        timer.scheduleWithFixedDelay(memory::check, 1, 1, TimeUnit.SECONDS);
        long maxInflight = config.limits().maxInflightBytes() > 0 ? config.limits().maxInflightBytes()
                : Runtime.getRuntime().maxMemory() / 4;
        hashing = Executors.newFixedThreadPool(Math.max(1, cores / 2), r -> {
            Thread t = new Thread(r, "wharf-auth");
            t.setDaemon(true);
            return t;
        });
        userStore = UserStore.open(config.dataDir());
        users = StoredUsers.open(userStore, config.auth(), config.vhosts());
        BrokerCounters counters = new BrokerCounters(config.http().ratesSamples());
        Connections connections = new Connections();
        // As in RabbitMQ: a deleted user's connections go at once, not at their next login.
        users.onDeleted(name -> connections.closeUser(name, "user '" + name + "' was deleted"));
        // As in RabbitMQ: a deleted vhost takes its users' permissions there and its open connections with it.
        vhosts.onDeleted(name -> {
            connections.closeVhost(name, "vhost '" + name + "' was deleted");
            for (UserAdmin.Permission p : users.permissions()) {
                if (p.vhost().equals(name)) {
                    users.clearPermission(p.user(), name);
                }
            }
        });
        admin = new Administration(config.amqp().nodeName(), VERSION, vhosts, vhosts::all, connections, counters,
                diskSpace::low, memory::on);
        timer.scheduleAtFixedRate(admin::sample, 0, config.http().ratesIntervalMs(), TimeUnit.MILLISECONDS);
        http = new HttpServer(users);
        // After recovery: a stored exchange of a plugin's type waits for it (see ExchangeTypes).
        plugins = PluginHost.start(config.plugins(), VERSION, http.users(),
                new PluginServices(new BrokerPluginMessaging(vhosts), exchangeTypes::register, admin, http.routes()),
                Broker.class.getClassLoader());
        vhosts.events(plugins);
        exchangeTypes.warnWaiting();
        PluginAuthentication logins = new PluginAuthentication(users, plugins::authenticationProviders);
        EngineContext context = new EngineContext(
                config.amqp(),
                new SaslAuthenticator(config.auth().anonymousEnabled(), logins, hashing),
                vhosts,
                new Backpressure(diskSpace, memory::on, maxInflight),
                plugins,
                openProperties(config),
                new Symbol[] {Symbol.valueOf("ANONYMOUS-RELAY"), Symbol.valueOf("LINK_PAIR_V1_0"),
                        Symbol.valueOf("SHARED-SUBS"), Symbol.valueOf("DELAYED_DELIVERY"),
                        Symbol.valueOf("AMQP_FILTEX_PROP_V1_0"), Symbol.valueOf("AMQP_FILTEX_SQL_V1_0")},
                new AtomicLong(),
                new Security(new AccessControl(users, logins::acceptedByPlugin), new ConnectionLimits(config.limits()),
                        config.limits()),
                connections,
                counters,
                new TransactionSupport(journal, new DedupWindows.Limits(config.store().dedupWindowSize(),
                        config.store().dedupWindowSeconds() * 1000), new AtomicLong()));
        boolean tls = config.tls().enabled() && config.tls().amqpPort() >= 0;
        server = AmqpServer.start(context, config.amqp().host(), config.amqp().port(),
                config.tls().amqpPort(), tls ? TlsContexts.server(config.tls()) : null);
        LOG.info("Wharf {} listening for AMQP on {}:{}", VERSION, config.amqp().host(), server.port());
        if (tls) {
            LOG.info("Wharf listening for AMQPS on {}:{}", config.amqp().host(), server.tlsPort());
        }
        if (config.http().enabled() && http.bind(config.http().host(), config.http().port(),
                config.http().tls() ? TlsContexts.http(config.tls()) : null)) {
            LOG.info("Management {} on {}:{}", config.http().tls() ? "HTTPS" : "HTTP", config.http().host(),
                    http.port());
        }
        plugins.brokerStarted(VERSION);
    }

    /** Starts a broker; returns once it accepts connections. */
    public static Broker start(BrokerConfig config) throws Exception {
        return new Broker(config);
    }

    private static Map<Symbol, Object> openProperties(BrokerConfig config) {
        Map<Symbol, Object> properties = new LinkedHashMap<>();
        properties.put(Symbol.valueOf("product"), "Wharf");
        properties.put(Symbol.valueOf("version"), RABBITMQ_COMPATIBILITY_VERSION);
        properties.put(Symbol.valueOf("wharf-version"), VERSION);
        properties.put(Symbol.valueOf("node"), config.amqp().nodeName());
        properties.put(Symbol.valueOf("platform"), "Java " + Runtime.version());
        return Map.copyOf(properties);
    }

    /** The bound AMQP port (the real one when configured as 0). */
    public int amqpPort() {
        return server.port();
    }

    /** The bound AMQPS port, or -1 when TLS is off. */
    public int amqpsPort() {
        return server.tlsPort();
    }

    /** The bound management HTTP port, or -1 when the HTTP listener is not running. */
    public int httpPort() {
        return http.port();
    }

    /** The management view plugins get. */
    public Administration admin() {
        return admin;
    }

    /** The broker's users and permissions. */
    public UserAdmin users() {
        return users;
    }

    public BrokerConfig config() {
        return config;
    }

    /** The queues of the default virtual host. */
    public QueueRegistry queues() {
        return queues;
    }

    /** The virtual host of that name, or null. */
    public VirtualHost vhost(String name) {
        return vhosts.get(name);
    }

    /** The plugins: which started, how they are doing, their hooks. */
    public PluginHost plugins() {
        return plugins;
    }

    /** The exchanges and bindings of the default virtual host. */
    public Topology topology() {
        return topology;
    }

    /** Graceful stop: no new connections, close frames to clients, queues and logs flushed and closed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Wharf stopping");
        plugins.brokerStopping();
        http.close();
        server.close();
        plugins.close();
        timer.shutdownNow();
        try {
            CompletableFuture.allOf(vhosts.all().stream().map(v -> v.topology().queues().closeAll())
                    .toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Queues did not close cleanly", e);
        }
        queueThreads.close();
        logWriter.close();
        journal.close();
        storage.close();
        try {
            userStore.close();
        } catch (Exception e) {
            LOG.warn("User store did not close cleanly", e);
        }
        hashing.shutdownNow();
        LOG.info("Wharf stopped");
    }
}
