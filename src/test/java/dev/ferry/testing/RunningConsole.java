package dev.ferry.testing;

import dev.ferry.standalone.ConsoleServer;
import dev.ferry.standalone.HashedAccounts;
import dev.ferry.standalone.StandaloneRuntime;
import java.net.URI;
import java.nio.file.Path;

/**
 * {@code ferry serve}'s console on a free port over a pipeline of its own (source, warehouse, repository,
 * store), with an operator and a viewer configured as a user configures them: Argon2id hashes.
 */
public final class RunningConsole implements AutoCloseable {

    public static final String OPERATOR = "olga";
    public static final String VIEWER = "victor";
    public static final String PASSWORD = "correct horse battery staple";
    /** The source database's password (PostgreSQL here trusts every login, so any password works). */
    public static final String SOURCE_PASSWORD = "console-source-Secret-7";
    private static final String HASH = HashedAccounts.hash(PASSWORD);

    public final Pipeline pipeline;
    public final StandaloneRuntime runtime;
    private final ConsoleServer server;

    public RunningConsole(Path dir) {
        this(dir, pipeline -> { });
    }

    /** @param before what the test sets up before the console starts (its own flows, say) */
    public RunningConsole(Path dir, java.util.function.Consumer<Pipeline> before) {
        pipeline = new Pipeline(dir);
        before.accept(pipeline);
        pipeline.config.set("ferry.console.port", "0").set("ferry.timezone", "UTC").set("ferry.db.source.password", SOURCE_PASSWORD)
                .set("ferry.flow.rds-to-adb.schedule", "30 2 * * *")
                .set("ferry.console.user." + OPERATOR + ".password-hash", HASH).set("ferry.console.user." + OPERATOR + ".role", "operator")
                .set("ferry.console.user." + VIEWER + ".password-hash", HASH).set("ferry.console.user." + VIEWER + ".role", "viewer");
        runtime = pipeline.runtime();
        try {
            server = ConsoleServer.start(runtime);
        } catch (RuntimeException e) {
            runtime.close();
            pipeline.close(); // its databases go, even when the console does not start
            throw e;
        }
    }

    public URI uri() {
        return server.uri();
    }

    /** A client logged in as {@code user} through a session, as the page is. */
    public ConsoleClient loggedIn(String user) {
        ConsoleClient client = new ConsoleClient(uri());
        ConsoleClient.Reply reply = client.login(user, PASSWORD);
        if (reply.status() != 200) {
            throw new AssertionError("login as " + user + ": " + reply);
        }
        return client;
    }

    @Override
    public void close() {
        server.close();
        runtime.close();
        pipeline.close();
    }
}
