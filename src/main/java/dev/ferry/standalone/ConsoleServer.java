package dev.ferry.standalone;

import dev.ferry.config.Settings;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.console.Accounts;
import dev.ferry.console.ClientAddresses;
import dev.ferry.console.ForwardedFor;
import dev.ferry.console.Console;
import dev.ferry.console.ConsoleSecurity;
import dev.ferry.console.ExecutionsResource;
import dev.ferry.console.FlowsResource;
import dev.ferry.console.GridResource;
import dev.ferry.console.LoginThrottle;
import dev.ferry.console.MetricsResource;
import dev.ferry.console.OperatorCheck;
import dev.ferry.console.PageResource;
import dev.ferry.console.ProblemMapper;
import dev.ferry.console.SessionResource;
import dev.ferry.console.Sessions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.Config;
import org.glassfish.hk2.utilities.binding.AbstractBinder;
import org.glassfish.jersey.jdkhttp.JdkHttpHandlerContainer;
import org.glassfish.jersey.jsonb.JsonBindingFeature;
import org.glassfish.jersey.server.ContainerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The admin console of {@code ferry serve}: the console's REST resources and page on Jersey over the
 * JDK's HTTP server, at {@code ferry.console.host}:{@code ferry.console.port}, with the users of
 * {@code ferry.console.user.*}.
 */
public final class ConsoleServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService requests;
    private final ExecutorService backfills;

    private ConsoleServer(HttpServer server, ExecutorService requests, ExecutorService backfills) {
        this.server = server;
        this.requests = requests;
        this.backfills = backfills;
    }

    /** Serves the console of {@code runtime} to the users of its configuration; port 0 takes a free port. */
    public static ConsoleServer start(StandaloneRuntime runtime) {
        return start(runtime, HashedAccounts.from(runtime.config()));
    }

    static ConsoleServer start(StandaloneRuntime runtime, HashedAccounts accounts) {
        Config config = runtime.config();
        String host = config.getOptionalValue("ferry.console.host", String.class).orElse("127.0.0.1");
        int port = Settings.wholeNumber(config, "ferry.console.port", 8080, 0, 65_535);
        ExecutorService backfills = Executors.newCachedThreadPool(daemon("ferry-console-backfill"));
        Console console = runtime.console(backfills, Clock.systemUTC());
        Sessions sessions = Sessions.from(config, runtime.repository(), Clock.systemUTC());
        LoginThrottle throttle = LoginThrottle.from(runtime.repository(), Clock.systemUTC());
        ExchangeAddresses addresses = new ExchangeAddresses(ForwardedFor.from(config));
        ResourceConfig resources = new ResourceConfig()
                .property(ServerProperties.WADL_FEATURE_DISABLE, true) // the API is described by api/openapi.json
                .register(new AbstractBinder() {
                    @Override
                    protected void configure() { // what the resources @Inject, as CDI provides it in the WAR
                        bind(console).to(Console.class);
                        bind(sessions).to(Sessions.class);
                        bind(accounts).to(Accounts.class);
                        bind(throttle).to(LoginThrottle.class);
                        bind(addresses).to(ClientAddresses.class);
                    }
                })
                .registerClasses(FlowsResource.class, ExecutionsResource.class, GridResource.class, SessionResource.class,
                        PageResource.class, MetricsResource.class, ConsoleSecurity.class)
                .register(OperatorCheck.class)
                .register(ProblemMapper.class)
                .register(JsonBindingFeature.class);
        URI uri = URI.create("http://" + host + ":" + port + "/");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
            server.createContext("/", ContainerFactory.createContainer(JdkHttpHandlerContainer.class, resources)).getFilters().add(addresses);
        } catch (IOException | RuntimeException e) {
            backfills.shutdownNow();
            throw new IllegalStateException("cannot serve the console at " + uri + ": " + e.getMessage()
                    + "; set ferry.console.port to a free port", e);
        }
        ExecutorService requests = Executors.newFixedThreadPool(8, daemon("ferry-console"));
        server.setExecutor(requests);
        server.start();
        return new ConsoleServer(server, requests, backfills);
    }

    /** Where the console is, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/");
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        server.stop(0);
        requests.shutdownNow();
        backfills.shutdownNow();
    }
}
