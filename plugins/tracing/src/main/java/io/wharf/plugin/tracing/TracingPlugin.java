package io.wharf.plugin.tracing;

import io.wharf.plugin.PluginContext;
import io.wharf.plugin.WharfPlugin;
import java.util.concurrent.TimeUnit;

/**
 * Message tracing (a firehose): see {@link TraceInterceptor} for what is copied where, and {@link TraceSettings} for
 * the settings. Enable with {@code plugins.enabled: [tracing]}.
 */
public final class TracingPlugin implements WharfPlugin {

    public static final String NAME = "tracing";
    private static final long DECLARE_TIMEOUT_SECONDS = 10;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(PluginContext context) throws Exception {
        TraceSettings settings = TraceSettings.from(context.settings());
        // Declared before the broker takes clients, so a client can bind to the trace exchange from its first
        // connection. Not durable: it exists while tracing is on.
        for (String vhost : settings.vhosts()) {
            context.messaging().declareExchange(vhost, settings.exchange(), "topic", false)
                    .get(DECLARE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        context.addInterceptor(new TraceInterceptor(settings, context.messaging()));
    }
}
