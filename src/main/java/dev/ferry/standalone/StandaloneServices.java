package dev.ferry.standalone;

import dev.ferry.db.Databases;
import dev.ferry.flow.FlowDefinitions;
import dev.ferry.metrics.StepTotals;
import dev.ferry.notify.Notices;
import dev.ferry.partition.ManifestLedger;
import dev.ferry.partition.PartitionFeeds;
import dev.ferry.recovery.ExecutionOwners;
import dev.ferry.schedule.Claims;
import dev.ferry.steplog.StepLogs;
import dev.ferry.store.ObjectStore;
import dev.ferry.warehouse.Warehouses;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Makes this runtime's databases, store, notices, execution owners, flows, manifest ledger, claims, partition feeds, warehouses' settings, step logs and step totals injectable into the batch artifacts, as the WAR's producers do there. */
final class StandaloneServices implements Extension {

    private final Databases databases;
    private final ObjectStore store;
    private final Notices notices;
    private final ExecutionOwners owners;
    private final FlowDefinitions flows;
    private final ManifestLedger ledger;
    private final Claims claims;
    private final PartitionFeeds feeds = new PartitionFeeds(Clock.systemUTC());
    private final Warehouses warehouses;
    private final StepLogs logs;
    private final StepTotals totals;

    StandaloneServices(Databases databases, ObjectStore store, Notices notices, ExecutionOwners owners, FlowDefinitions flows,
                       ManifestLedger ledger, Claims claims, Warehouses warehouses, StepLogs logs, StepTotals totals) {
        this.logs = logs;
        this.totals = totals;
        this.warehouses = warehouses;
        this.databases = databases;
        this.store = store;
        this.notices = notices;
        this.owners = owners;
        this.flows = flows;
        this.ledger = ledger;
        this.claims = claims;
    }

    void register(@Observes AfterBeanDiscovery event) {
        event.addBean().types(Databases.class, Object.class).scope(Singleton.class).createWith(c -> databases);
        event.addBean().types(ObjectStore.class, Object.class).scope(Singleton.class).createWith(c -> store);
        event.addBean().types(Notices.class, Object.class).scope(Singleton.class).createWith(c -> notices);
        event.addBean().types(ExecutionOwners.class, Object.class).scope(Singleton.class).createWith(c -> owners);
        event.addBean().types(FlowDefinitions.class, Object.class).scope(Singleton.class).createWith(c -> flows);
        event.addBean().types(ManifestLedger.class, Object.class).scope(Singleton.class).createWith(c -> ledger);
        event.addBean().types(Claims.class, Object.class).scope(Singleton.class).createWith(c -> claims);
        event.addBean().types(PartitionFeeds.class, Object.class).scope(Singleton.class).createWith(c -> feeds);
        event.addBean().types(Warehouses.class, Object.class).scope(Singleton.class).createWith(c -> warehouses);
        event.addBean().types(StepLogs.class, Object.class).scope(Singleton.class).createWith(c -> logs);
        event.addBean().types(StepTotals.class, Object.class).scope(Singleton.class).createWith(c -> totals);
    }
}
