package dev.ferry.server;

import dev.ferry.config.Secret;
import dev.ferry.config.Settings;
import dev.ferry.console.Console;
import dev.ferry.console.LoginThrottle;
import dev.ferry.console.Sessions;
import dev.ferry.db.Databases;
import dev.ferry.db.JndiDatabases;
import dev.ferry.dependency.WaitingDates;
import dev.ferry.flow.FlowDefinitions;
import dev.ferry.flow.FlowsFolder;
import dev.ferry.history.JBeretTables;
import dev.ferry.metrics.StepTotals;
import dev.ferry.notify.Notices;
import dev.ferry.partition.ManifestLedger;
import dev.ferry.partition.PartitionFeeds;
import dev.ferry.partition.RepositoryLedger;
import dev.ferry.recovery.ExecutionOwners;
import dev.ferry.recovery.Node;
import dev.ferry.run.RunControl;
import dev.ferry.schedule.Claims;
import dev.ferry.schedule.Pauses;
import dev.ferry.steplog.StepLogs;
import dev.ferry.store.ObjectStore;
import dev.ferry.store.StoreSettings;
import dev.ferry.warehouse.Warehouses;
import jakarta.annotation.Resource;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.servlet.ServletContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The WAR's side of what the batch artifacts inject: databases are the server's datasources, and the store
 * is configured through the server's MicroProfile Config with the same {@code ferry.store.*} keys as standalone.
 */
@ApplicationScoped
public class ServerServices {

    @Resource
    ManagedExecutorService executor;

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

    /** Failed, late and recovered runs' notices, recorded in the job repository; FlowTimers starts their sending. */
    @Produces
    @jakarta.inject.Singleton // a final class: no client proxy
    Notices notices() {
        Notices notices = new Notices(FlowTimers.repository(config()), Notices.Settings.from(config()), Clock.systemUTC());
        try {
            notices.createTableIfAbsent();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot set up the notices' table in the job repository: " + e.getMessage(), e);
        }
        return notices;
    }

    void close(@Disposes Notices notices) {
        notices.close();
    }

    /** Each step's log lines, in the job repository (Node.join makes the table; FlowTimers starts the writing). */
    @Produces
    @jakarta.inject.Singleton // a final class: no client proxy
    StepLogs stepLogs() {
        return new StepLogs(FlowTimers.repository(config()), Secret.configured(config()), Clock.systemUTC());
    }

    void close(@Disposes StepLogs logs) {
        logs.close();
    }

    /** What each flow's steps have done, for /metrics. */
    @Produces
    @jakarta.inject.Singleton
    StepTotals stepTotals() {
        return new StepTotals(FlowTimers.repository(config()));
    }

    /** How the warehouses read the store themselves (method external), from the same ferry.db.NAME.* keys as ferry serve. */
    @Produces
    @jakarta.inject.Singleton
    Warehouses warehouses() {
        return new Warehouses(config());
    }

    /** This server as the owner of the runs it executes; FlowTimers registers it and keeps its heartbeat. */
    @Produces
    @jakarta.inject.Singleton // a final class: no client proxy
    ExecutionOwners owners() {
        return new ExecutionOwners(FlowTimers.repository(config()), FlowTimers.hostName(), ProcessHandle.current().pid(), "wildfly",
                Node.staleAfter(config()));
    }

    /** The once-per-date claims, in the job repository's database (FlowTimers creates the table at deployment). */
    @Produces
    @jakarta.inject.Singleton // a final class: no client proxy
    Claims claims() {
        return new Claims(FlowTimers.repository(config()));
    }

    /** The manifest ledger in the job repository's database (FlowTimers creates its table at deployment). */
    @Produces
    @jakarta.inject.Singleton
    ManifestLedger ledger() {
        return new RepositoryLedger(FlowTimers.repository(config()));
    }

    /** The extracts in flight in this server, for the loads that follow them. */
    @Produces
    @jakarta.inject.Singleton
    PartitionFeeds feeds() {
        return new PartitionFeeds(Clock.systemUTC());
    }

    /** The flows of this deployment, and where their script files are found. */
    @Produces
    @jakarta.inject.Singleton
    FlowDefinitions flows(Instance<ServletContext> servletContext) {
        return new DeploymentFlows(servletContext::get, FlowsFolder.from(config(), Optional.empty()), ServerServices.class.getClassLoader());
    }

    /** Every start of this server's, timers' and console's alike. */
    @Produces
    @jakarta.inject.Singleton // a final class: no client proxy
    RunControl runControl(FlowDefinitions flows, Databases databases, Claims claims, ExecutionOwners owners) {
        return new RunControl(BatchRuntime.getJobOperator(), claims, flows, databases, config(), Clock.systemUTC(), owners,
                new JBeretTables(FlowTimers.repository(config())));
    }

    /** The admin console over this server's batch runtime; backfills run on the server's managed executor. */
    @Produces
    @jakarta.inject.Singleton // a final class: no client proxy
    Console console(RunControl control, ExecutionOwners owners, Databases databases, ObjectStore store, Notices notices, StepLogs logs,
                    StepTotals totals) {
        return new Console(new Console.Parts(control, new JBeretTables(FlowTimers.repository(config())), owners, config(), databases,
                store, executor, FlowTimers.hostName(), Clock.systemUTC(), new Pauses(FlowTimers.repository(config())),
                new WaitingDates(FlowTimers.repository(config())), notices, logs, totals));
    }

    /** Slows down repeated wrong console passwords, counted in the job repository: the same on every node. */
    @Produces
    @jakarta.inject.Singleton // a final class: no client proxy
    LoginThrottle loginThrottle() {
        return LoginThrottle.from(FlowTimers.repository(config()), Clock.systemUTC());
    }

    /** Console logins, in the job repository: valid on every node of the cluster. */
    @Produces
    @jakarta.inject.Singleton
    Sessions sessions() {
        return Sessions.from(config(), FlowTimers.repository(config()), Clock.systemUTC());
    }

    void close(@Disposes ObjectStore store) {
        store.close();
    }

    private static Config config() {
        return ConfigProvider.getConfig();
    }
}
