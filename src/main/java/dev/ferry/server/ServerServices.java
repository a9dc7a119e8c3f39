package dev.ferry.server;

import dev.ferry.db.Databases;
import dev.ferry.db.JndiDatabases;
import dev.ferry.notify.Webhook;
import dev.ferry.recovery.ExecutionOwners;
import dev.ferry.store.ObjectStore;
import dev.ferry.store.StoreSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The WAR's side of what the batch artifacts inject: databases are the server's datasources, and the store
 * is configured through the server's MicroProfile Config with the same {@code ferry.store.*} keys as standalone.
 */
@ApplicationScoped
public class ServerServices {

    @Produces
    @ApplicationScoped
    Databases databases() {
        return new JndiDatabases(config().getOptionalValue("ferry.datasource.jndi-prefix", String.class)
                .orElse(JndiDatabases.DEFAULT_PREFIX));
    }

    @Produces
    @ApplicationScoped
    ObjectStore store() {
        return StoreSettings.from(config()).open();
    }

    @Produces
    @jakarta.inject.Singleton // Webhook is a final class: no client proxy
    Webhook webhook() {
        return Webhook.from(config());
    }

    /** This server as the owner of the runs it executes; FlowTimers registers it and keeps its heartbeat. */
    @Produces
    @jakarta.inject.Singleton // a final class: no client proxy
    ExecutionOwners owners() {
        return new ExecutionOwners(FlowTimers.repository(config()), FlowTimers.hostName(), ProcessHandle.current().pid(), "wildfly");
    }

    void close(@Disposes ObjectStore store) {
        store.close();
    }

    private static Config config() {
        return ConfigProvider.getConfig();
    }
}
