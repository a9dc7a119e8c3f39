package dev.ferry.warehouse;

import java.sql.Connection;
import java.util.List;
import java.util.Optional;

/**
 * What differs between the PostgreSQL-compatible warehouses Ferry loads: how each reads the store itself (a
 * foreign or external table over exactly a manifest's files) and whether Ferry can swap a date's partition there.
 * One implementation per engine; {@link Dialects} picks it from {@code ferry.db.NAME.dialect} or {@code version()}.
 */
public interface Dialect {

    /** As {@code ferry.db.NAME.dialect} names it, e.g. {@code postgresql}. */
    String name();

    /**
     * Why this warehouse cannot read these files itself, decided from the settings alone (the store's kind, the
     * files' compression, a missing setting), or empty. {@code validate} and every external load ask first.
     */
    Optional<String> cannotRead(ExternalFiles files);

    /**
     * Statements run once before a load, outside its transaction, that the readers need and that loads share
     * (an extension, a server without credentials); run under a lock, so that loads at once do not race.
     */
    List<Sql> prepare(ExternalFiles files);

    /** The readers over exactly the files; together they give every file's rows once. */
    List<ExternalReader> readers(ExternalFiles files);

    /**
     * What the warehouse can tell before a run (the extension, the user's privileges, whether its server can read
     * the files), or empty; asked by try-run and by run before it starts. By default what the settings say.
     */
    default Optional<String> check(Connection connection, ExternalFiles files) {
        return cannotRead(files);
    }

    /** How mode exchange swaps a date's partition on this warehouse; {@link PartitionSwap#NONE} where Ferry has no proven way. */
    default PartitionSwap partitionSwap() {
        return PartitionSwap.NONE;
    }

    /** Why a load into {@code database} cannot use mode exchange here, or empty when it can. */
    default Optional<String> cannotExchange(String database) {
        return partitionSwap() != PartitionSwap.NONE ? Optional.empty() : Optional.of("mode exchange swaps partitions with DETACH and"
                + " ATTACH PARTITION (dialects postgresql, greenplum7, cloudberry, adb7) or Greenplum 6's EXCHANGE PARTITION (greenplum6, adb6),"
                + " and " + name() + " does not say which of these " + database + " is: set ferry.db." + database + ".dialect to the one"
                + " it runs, or use mode replace there");
    }
}
